/**
 * Booting a simulated machine: a {@link io.jcma.cma.boot.Platform} (RAM, reservations, command
 * line, architecture, device tree, backing) becomes a {@link io.jcma.cma.boot.Machine} through the
 * kernel's early steps: memblock, early parameters ({@code cma=}, {@code numa_cma=},
 * {@code cma_pernuma=}), device-tree reserved memory, dma_contiguous_reserve(), the page allocator
 * and core_initcall activation. {@link io.jcma.cma.boot.BootHook}s let other modules take part.
 */
package io.jcma.cma.boot;

/**
 * Booting a simulated machine: a {@link io.jcma.cma.boot.Platform} (RAM, reservations, command
 * line, architecture, device tree, backing, page allocator) becomes a
 * {@link io.jcma.cma.boot.Machine} through the kernel's early steps: memblock, early parameters
 * ({@code cma=}, {@code numa_cma=}, {@code cma_pernuma=}), device-tree reserved memory (by
 * {@code io.jcma.cma.of}), dma_contiguous_reserve() and rmem_cma_setup() (kernel/dma/contiguous.c,
 * {@code DmaContiguous}), the page allocator and core_initcall activation. rmem_dma_setup()
 * (kernel/dma/coherent.c) is the DMA layer's, declared through its boot hook.
 * {@link io.jcma.cma.boot.BootHook}s let other modules take part, reserved-memory init
 * functions included.
 */
package io.jcma.cma.boot;

/**
 * The CMA areas of mm/cma.c: {@link io.jcma.cma.CmaAreas} declares and activates them
 * (cma_declare_contiguous_nid, cma_init_reserved_mem, cma_init_reserved_areas), each
 * {@link io.jcma.cma.Cma} allocates from its bitmap (cma_alloc, cma_release), and
 * {@link io.jcma.cma.kernel.Errno} / {@link io.jcma.cma.kernel.ErrnoException} carry the kernel's error codes.
 * The kernel log of a machine is {@link io.jcma.cma.kernel.KernelLog}.
 *
 * <p>Concurrency: each area has its own lock for its bitmap and live allocations (cma->lock);
 * one machine-wide lock serialises alloc_contig_range() (cma_mutex); counters are
 * {@code LongAdder}s read without locks.
 */
package io.jcma.cma;

/**
 * The API of the CMA areas of mm/cma.c, interfaces and records only: {@link io.jcma.cma.CmaAreas}
 * declares and activates a machine's areas (cma_declare_contiguous_nid, cma_init_reserved_mem,
 * cma_init_reserved_areas), each {@link io.jcma.cma.Cma} allocates from its bitmap (cma_alloc,
 * cma_release) and hands out {@link io.jcma.cma.CmaAllocation}s; {@link io.jcma.cma.CmaMetrics}
 * and {@link io.jcma.cma.CmaBitmap} are snapshots. The implementations are in the unexported
 * {@code io.jcma.cma.internal}.
 *
 * <p>Concurrency: each area has its own lock for its bitmap and live allocations (cma->lock);
 * one machine-wide lock serialises alloc_contig_range() (cma_mutex); counters are
 * {@code LongAdder}s read without locks.
 */
package io.jcma.cma;

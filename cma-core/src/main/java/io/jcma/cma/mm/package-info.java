/**
 * The API of simulated physical memory and its early and late allocators: {@link io.jcma.cma.mm.PhysicalMemory}
 * (RAM banks over a pluggable {@link io.jcma.cma.mm.MemoryBacking}), {@link io.jcma.cma.mm.Memblock},
 * zones and {@link io.jcma.cma.mm.Pageblocks}, the {@link io.jcma.cma.mm.PageAllocator} seam and
 * {@link io.jcma.cma.mm.MigratingPageAllocator}, the one that lends pages to
 * {@link io.jcma.cma.mm.MovableRegion}s and migrates them for alloc_contig_range(). The buddy
 * allocator, the simple one and the backings are in the unexported {@code io.jcma.cma.mm.internal}.
 */
package io.jcma.cma.mm;

/**
 * Simulated physical memory and its early and late allocators: {@link io.jcma.cma.mm.PhysicalMemory}
 * (RAM banks over a pluggable {@link io.jcma.cma.mm.MemoryBacking}), {@link io.jcma.cma.mm.Memblock},
 * zones and {@link io.jcma.cma.mm.Pageblocks}, and the {@link io.jcma.cma.mm.PageAllocator} (the buddy
 * allocator, with alloc_contig_range(), migration and {@link io.jcma.cma.mm.MovableRegion}s).
 * Per-page state lives in primitive arrays indexed by pfn, never one object per page.
 */
package io.jcma.cma.mm;

/**
 * The implementation of {@link io.jcma.cma.mm}, not exported, cut as mm/ is cut: the buddy
 * allocator's entry points ({@code BuddyAllocator}, mm/page_alloc.c) over its free lists and page
 * arrays ({@code FreeLists}, {@code FreeArea}, {@code PageFlags}), the buddy core ({@code Buddy}),
 * alloc_contig_range() ({@code ContigRange}) with page isolation ({@code PageIsolation},
 * mm/page_isolation.c), compaction's isolate steps ({@code Compaction}, mm/compaction.c) and
 * migration ({@code Migrate}, mm/migrate.c), and movable user pages with their pins
 * ({@code MovableRegions}, mm/gup.c); the first-fit {@code SimplePageAllocator}; and the RAM
 * ({@code BankedPhysicalMemory}, {@code SparseFileBacking}). Per-page state lives in primitive
 * arrays indexed by pfn, never one object per page. The invariant checker is test support
 * ({@code BuddyInvariants} in cma-core's test-jar).
 */
package io.jcma.cma.mm.internal;

package io.jcma.cma.mm;

/**
 * What one page is doing, as the page allocator sees it: the union of struct page states that
 * matter to CMA. Every managed page is in exactly one of them.
 */
public enum PageState {
    /** Not managed by the allocator: memblock-reserved, a hole, or a CMA area not yet activated. */
    RESERVED,
    /** On a free list (PageBuddy), as the head or a tail of a free block. */
    FREE,
    /** Handed out by alloc_pages(); not migratable (no LRU, no movable_ops). */
    ALLOCATED,
    /** Handed out by alloc_contig_range() (a CMA allocation, for instance). */
    CONTIG,
    /** A page of a {@link MovableRegion} (an LRU page): migratable. */
    MOVABLE,
    /** A page of a pinned {@link MovableRegion}: migration fails with EBUSY. */
    PINNED
}

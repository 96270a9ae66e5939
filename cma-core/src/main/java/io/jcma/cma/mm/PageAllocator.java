package io.jcma.cma.mm;

/**
 * The page allocator seen from CMA and the DMA layer: what mm/page_alloc.c offers them.
 *
 * <p>The boot hands it memblock's free memory ({@link #freeMemblockMemory}); CMA activation
 * hands it each area's pageblocks ({@link #initCmaReservedPageblock}); {@code cma_alloc} takes
 * ranges back with {@link #allocContigRange}. Implementations are thread-safe.
 */
public interface PageAllocator {

    /**
     * The first-fit allocator with one state byte per page: alloc_contig_range() takes free
     * pages only and never migrates.
     */
    static PageAllocator simple(PhysicalMemory memory, java.util.List<Zone> zones, Pageblocks pageblocks) {
        return new SimplePageAllocator(memory, zones, pageblocks);
    }

    /**
     * The buddy allocator of mm/page_alloc.c: free lists per zone, order and migratetype, CMA
     * pageblocks lent to movable allocations, and alloc_contig_range() that migrates them back.
     * The machine's default.
     */
    static PageAllocator buddy(PhysicalMemory memory, java.util.List<Zone> zones, Pageblocks pageblocks) {
        return new BuddyAllocator(memory, zones, pageblocks);
    }

    /** memblock_free_all(): every free memblock range becomes free pages. */
    void freeMemblockMemory(Memblock memblock);

    /** free_reserved_page() for each page: reserved memory joins the allocator. */
    void freeReservedPages(long pfn, long count);

    /**
     * init_cma_reserved_pageblock(): the pageblock at {@code pfn} becomes MIGRATE_CMA and its
     * (reserved) pages are freed to the allocator, lent to movable allocations until CMA needs
     * them.
     */
    void initCmaReservedPageblock(long pfn);

    /**
     * alloc_contig_range(start, end, migratetype): makes every page of [start, end) allocated
     * to the caller, migrating what it can out of the way. Mirrors mm/page_alloc.c.
     */
    ContigRangeResult allocContigRange(long start, long end, Migratetype migratetype, boolean noWarn);

    /** free_contig_range(). */
    void freeContigRange(long pfn, long count);

    /**
     * alloc_pages(): 2^order contiguous pages from the zones {@code gfp} allows, or -1 when there
     * are none (an expected outcome, like a NULL page).
     *
     * @throws IllegalArgumentException if order is outside 0..MAX_PAGE_ORDER
     */
    long allocPages(int order, int gfp);

    /**
     * __free_pages().
     *
     * @throws IllegalStateException if the pages are not allocated (double free)
     */
    void freePages(long pfn, int order);

    /** Pages managed by the allocator (totalram_pages). */
    long managedPages();

    /** Free pages (NR_FREE_PAGES). */
    long freePages();

    /** Free pages in CMA pageblocks (NR_FREE_CMA_PAGES). */
    long freeCmaPages();

    /**
     * Allocates {@code pages} movable pages (GFP_HIGHUSER_MOVABLE, one order-0 page each, zeroed)
     * that a simulated user holds; they may come from CMA pageblocks and are migrated when CMA
     * needs them back. Empty when memory runs out (an expected outcome).
     *
     * @throws IllegalArgumentException      if pages is not positive
     * @throws UnsupportedOperationException if this allocator cannot migrate pages
     */
    default java.util.Optional<MovableRegion> allocMovable(long pages) {
        throw new UnsupportedOperationException("allocMovable: " + getClass().getSimpleName()
                + " does not migrate pages (use PageAllocator.buddy)");
    }

    /**
     * The state of each page of [pfn, pfn + count), taken under one hold of the zone lock.
     *
     * @throws IndexOutOfBoundsException     if the range is outside the allocator's pfns
     * @throws UnsupportedOperationException if this allocator does not track it
     */
    default PageState[] pageStates(long pfn, int count) {
        throw new UnsupportedOperationException("pageStates: " + getClass().getSimpleName());
    }

    /** The free areas of every populated zone, node by node; empty if the allocator keeps none. */
    default java.util.List<ZoneFreeArea> freeAreas() {
        return java.util.List.of();
    }
}

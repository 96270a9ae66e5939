package io.jcma.cma.mm;

import io.jcma.cma.mm.internal.BuddyAllocator;
import io.jcma.cma.mm.internal.SimplePageAllocator;

import java.util.List;

/**
 * The page allocator seen from CMA and the DMA layer: what mm/page_alloc.c offers them.
 *
 * <p>The boot hands it memblock's free memory ({@link #freeMemblockMemory}); CMA activation
 * hands it each area's pageblocks ({@link #initCmaReservedPageblock}); {@code cma_alloc} takes
 * ranges back with {@link #allocContigRange}. An allocator that also lends pages to movable
 * memory and migrates them is a {@link MigratingPageAllocator}. Implementations are
 * thread-safe.
 */
public interface PageAllocator {

    /**
     * The first-fit allocator with one state byte per page: alloc_contig_range() takes free
     * pages only and never migrates.
     *
     * @throws IllegalArgumentException if RAM spans 2^31 pages or more
     */
    static PageAllocator simple(PhysicalMemory memory, List<Zone> zones, Pageblocks pageblocks) {
        return new SimplePageAllocator(memory, zones, pageblocks);
    }

    /**
     * The buddy allocator of mm/page_alloc.c: free lists per zone, order and migratetype, CMA
     * pageblocks lent to movable allocations, and alloc_contig_range() that migrates them back.
     * The machine's default.
     *
     * @throws IllegalArgumentException if RAM spans 2^31 pages or more, or there are more than
     *                                  127 zones
     */
    static MigratingPageAllocator buddy(PhysicalMemory memory, List<Zone> zones, Pageblocks pageblocks) {
        return new BuddyAllocator(memory, zones, pageblocks);
    }

    /**
     * Makes the page allocator of a machine being booted: {@code PageAllocator::buddy} (the
     * default) or {@code PageAllocator::simple}, chosen with the platform's
     * {@code Builder.pageAllocator}.
     */
    @FunctionalInterface
    interface Factory {
        PageAllocator create(PhysicalMemory memory, List<Zone> zones, Pageblocks pageblocks);
    }

    /**
     * memblock_free_all(): every free memblock range becomes free pages.
     *
     * @throws IllegalStateException if a page of those ranges is already managed
     */
    void freeMemblockMemory(Memblock memblock);

    /**
     * free_reserved_page() for each page: reserved memory joins the allocator.
     *
     * @throws IndexOutOfBoundsException if the range is outside the allocator's pfns
     * @throws IllegalStateException     if a page is not reserved RAM
     */
    void freeReservedPages(long pfn, long count);

    /**
     * init_cma_reserved_pageblock(): the pageblock at {@code pfn} becomes MIGRATE_CMA and its
     * (reserved) pages are freed to the allocator, lent to movable allocations until CMA needs
     * them.
     *
     * @throws IndexOutOfBoundsException if the pageblock is outside the allocator's pfns
     * @throws IllegalStateException     if it is not a reserved pageblock of RAM in one zone
     */
    void initCmaReservedPageblock(long pfn);

    /**
     * alloc_contig_range(start, end, migratetype): makes every page of [start, end) allocated
     * to the caller, migrating what it can out of the way. Mirrors mm/page_alloc.c. A range
     * outside RAM, across zones or empty is a {@link ContigRangeResult.Failed} with EINVAL, as
     * the kernel returns it.
     */
    ContigRangeResult allocContigRange(long start, long end, Migratetype migratetype, boolean noWarn);

    /**
     * free_contig_range().
     *
     * @throws IndexOutOfBoundsException if the range is outside the allocator's pfns
     * @throws IllegalStateException     if a page is not allocated by alloc_contig_range() (a
     *                                   double free)
     */
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
     * @throws IllegalArgumentException if order is outside 0..MAX_PAGE_ORDER
     * @throws IllegalStateException    if the pages are not allocated (double free)
     */
    void freePages(long pfn, int order);

    /** Pages managed by the allocator (totalram_pages). */
    long managedPages();

    /** Free pages (NR_FREE_PAGES). */
    long freePages();

    /** Free pages in CMA pageblocks (NR_FREE_CMA_PAGES). */
    long freeCmaPages();

    /** The free areas of every populated zone, node by node; empty if the allocator keeps none. */
    default List<ZoneFreeArea> freeAreas() {
        return List.of();
    }
}

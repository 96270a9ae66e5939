package io.jcma.cma.mm;

import io.jcma.cma.mm.internal.BuddyAllocator;

import java.util.Optional;

/**
 * A page allocator that lends free pages, CMA's included, to movable memory and migrates them
 * when a contiguous range is wanted back: mm/page_alloc.c with mm/page_isolation.c and
 * mm/migrate.c. The buddy allocator ({@link PageAllocator#buddy}, a machine's default) is one;
 * {@link PageAllocator#simple} is not. Thread-safe.
 */
public sealed interface MigratingPageAllocator extends PageAllocator permits BuddyAllocator {

    /**
     * Allocates {@code pages} movable pages (GFP_HIGHUSER_MOVABLE, one order-0 page each, zeroed)
     * that a simulated user holds; they may come from CMA pageblocks and are migrated when CMA
     * needs them back. Empty when memory runs out (an expected outcome).
     *
     * @throws IllegalArgumentException if pages is outside 1..2^31-9
     */
    Optional<MovableRegion> allocMovable(long pages);

    /**
     * The state of each page of [pfn, pfn + count), taken under one hold of the zone lock.
     *
     * @throws IndexOutOfBoundsException if count is negative or the range is outside the
     *                                   allocator's pfns
     */
    PageState[] pageStates(long pfn, int count);
}

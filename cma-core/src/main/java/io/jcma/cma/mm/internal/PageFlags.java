package io.jcma.cma.mm.internal;

/**
 * Mirrors the parts of struct page (include/linux/mm_types.h) and include/linux/page-flags.h the
 * buddy allocator reads: one byte per page, with the static encode and decode methods of that
 * byte. The page arrays themselves are in {@link FreeLists}.
 *
 * <h2>Per-page state (struct page, in primitive arrays indexed by idx = pfn - base)</h2>
 * <pre>
 *    7   6   5   4   3   2   1   0
 *  +---+-----------+---------------+
 *  | H |   state   |     order     |   flags[idx]: H = head of a block (PageBuddy's first page,
 *  +---+-----------+---------------+   or a page handed out alone); order only on a head
 *
 *   state: 0 RESERVED  not managed (memblock-reserved, a hole, CMA before activation)
 *          1 FREE      on a free list (the head) or inside a free block (a tail)   PageBuddy
 *          2 ALLOC     handed out by alloc_pages(); unmovable
 *          3 CONTIG    handed out by alloc_contig_range()
 *          4 MOVABLE   a page of a movable region (LRU); migratable unless pinned
 *
 *   next[idx]   free head: next block on its list   movable page: region id
 *   prev[idx]   free head: previous block           movable page: index in the region
 * </pre>
 * Nine bytes per page: a 64 GiB machine (16 Mi pages) costs 144 MiB. The two int arrays are the
 * kernel's union in struct page: list links while a page is free, owner while it is in use.
 */
final class PageFlags {
    private PageFlags() {
    }

    static final int ST_RESERVED = 0;
    static final int ST_FREE = 1;
    static final int ST_ALLOC = 2;
    static final int ST_CONTIG = 3;
    static final int ST_MOVABLE = 4;

    static final int HEAD = 0x80;
    static final int STATE_SHIFT = 4;
    static final int STATE_MASK = 0x7;
    static final int ORDER_MASK = 0x0f;

    /** The byte of a page in {@code state}, a head of {@code order} or a tail (order 0). */
    static byte encode(int state, boolean head, int order) {
        assert state >= ST_RESERVED && state <= ST_MOVABLE && order >= 0 && order <= ORDER_MASK
                : "state=" + state + " order=" + order;
        return (byte) ((head ? HEAD : 0) | (state << STATE_SHIFT) | order);
    }

    /** The byte of a tail page of a block in {@code state}. */
    static byte tail(int state) {
        return (byte) (state << STATE_SHIFT);
    }

    static int state(byte f) {
        return (f >> STATE_SHIFT) & STATE_MASK;
    }

    static boolean isHead(byte f) {
        return (f & HEAD) != 0;
    }

    static int order(byte f) {
        return f & ORDER_MASK;
    }

    /** PageBuddy(): the head of a free block. */
    static boolean isFreeHead(byte f) {
        return isHead(f) && state(f) == ST_FREE;
    }

    /** PageBuddy() && buddy_order() == order: the first half of page_is_buddy(). */
    static boolean isFreeHeadOf(byte f, int order) {
        return isFreeHead(f) && order(f) == order;
    }
}

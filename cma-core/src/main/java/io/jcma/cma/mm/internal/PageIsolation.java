package io.jcma.cma.mm.internal;

import io.jcma.cma.mm.Migratetype;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.Pageblocks;

import static io.jcma.cma.mm.internal.PageFlags.ST_FREE;
import static io.jcma.cma.mm.internal.PageFlags.ST_MOVABLE;

/**
 * Mirrors mm/page_isolation.c: pageblocks marked MIGRATE_ISOLATE so that their free pages stay
 * put while alloc_contig_range() clears them (start_isolate_page_range(),
 * set_migratetype_isolate(), has_unmovable_pages(), test_pages_isolated(),
 * unset_migratetype_isolate(), undo_isolate_page_range()), with the two helpers of
 * mm/page_alloc.c they lean on, move_freepages_block_isolate() and find_large_buddy(). Callers
 * hold the zone lock.
 *
 * <pre>
 *   pageblocks of [start, end), rounded out:   |  CMA  |  CMA  |  CMA  |
 *   start_isolate_page_range()             -&gt;  |Isolate|Isolate|Isolate|   free pages move to
 *                                                                         the Isolate lists
 *   undo_isolate_page_range(CMA)           -&gt;  |  CMA  |  CMA  |  CMA  |   and back, remerged
 * </pre>
 */
final class PageIsolation {
    private final FreeLists fl;
    private final Buddy buddy;
    private final Pageblocks pageblocks;

    PageIsolation(FreeLists fl, Buddy buddy) {
        this.fl = fl;
        this.buddy = buddy;
        this.pageblocks = fl.pageblocks;
    }

    /**
     * start_isolate_page_range(): isolates every pageblock of [isoStart, isoEnd); on the first
     * that cannot be isolated (EBUSY) undoes the ones before it and returns false.
     */
    boolean startIsolatePageRange(long isoStart, long isoEnd, Migratetype migratetype) {
        for (long b = isoStart; b < isoEnd; b += Mm.PAGEBLOCK_NR_PAGES) {
            if (!setMigratetypeIsolate(b, migratetype)) {
                undoIsolatePageRange(isoStart, b, migratetype);
                return false;
            }
        }
        return true;
    }

    /** undo_isolate_page_range(): every isolated pageblock of [isoStart, isoEnd) back to {@code mt}. */
    void undoIsolatePageRange(long isoStart, long isoEnd, Migratetype mt) {
        for (long b = isoStart; b < isoEnd; b += Mm.PAGEBLOCK_NR_PAGES) {
            unsetMigratetypeIsolate(b, mt);
        }
    }

    /** set_migratetype_isolate() for the pageblock at {@code pfn}; false for EBUSY. */
    private boolean setMigratetypeIsolate(long pfn, Migratetype migratetype) {
        if (!fl.inRange(pfn) || fl.zoneOf(pfn) == null) {
            return true; // a hole: nothing to isolate
        }
        Migratetype cur = pageblocks.get(pfn);
        if (cur == Migratetype.ISOLATE || hasUnmovablePages(pfn, cur, migratetype)) {
            return false;
        }
        return moveFreepagesBlockIsolate(pfn, Migratetype.ISOLATE);
    }

    /** has_unmovable_pages(): CMA pageblocks count as movable only for a CMA request. */
    private boolean hasUnmovablePages(long start, Migratetype blockMt, Migratetype migratetype) {
        if (blockMt == Migratetype.CMA) {
            return migratetype != Migratetype.CMA;
        }
        for (long p = start; p < start + Mm.PAGEBLOCK_NR_PAGES && p < fl.limit; ) {
            if (fl.isFreeHead(p)) {
                p += 1L << fl.orderOf(p);
                continue;
            }
            int st = fl.state(p);
            if (st != ST_MOVABLE && st != ST_FREE && fl.memory.isRam(p, 1)) {
                return true;
            }
            p++;
        }
        return false;
    }

    /**
     * test_pages_isolated(): whether [start, end) is all free blocks on isolated pageblocks;
     * {@code start} is the head of the first (see {@link #findLargeBuddy}).
     */
    boolean testPagesIsolated(long start, long end) {
        for (long p = start; p < end; ) {
            if (pageblocks.get(p) != Migratetype.ISOLATE || !fl.isFreeHead(p)) {
                return false;
            }
            p += 1L << fl.orderOf(p);
        }
        return true;
    }

    /** find_large_buddy(): the start of a free block that contains {@code start}, else start. */
    long findLargeBuddy(long start) {
        int order = 0;
        long pfn = start;
        while (!fl.isFreeHead(pfn)) {
            if (++order > Mm.MAX_PAGE_ORDER) {
                return start;
            }
            pfn &= -1L << order;
        }
        if (pfn + (1L << fl.orderOf(pfn)) > start) {
            return pfn;
        }
        return start;
    }

    /** move_freepages_block_isolate(): splits a free block straddling the pageblock first. */
    private boolean moveFreepagesBlockIsolate(long pfn, Migratetype to) {
        FreeArea z = fl.zoneOf(pfn);
        long start = Mm.alignDown(pfn, Mm.PAGEBLOCK_NR_PAGES);
        if (z == null || !z.zone.contains(start) || !z.zone.contains(start + Mm.PAGEBLOCK_NR_PAGES - 1)) {
            return false;
        }
        // A free block larger than a pageblock, holding this one as its tail or its head.
        long h = findLargeBuddy(start);
        if (h != start || (fl.isFreeHead(start) && fl.orderOf(start) > Mm.PAGEBLOCK_ORDER)) {
            int order = fl.orderOf(h);
            Migratetype hmt = pageblocks.get(h);
            fl.delFromFreeList(h, order, hmt);
            z.account(-(1L << order), hmt);
            pageblocks.set(start, to);
            buddy.freeBlock(h, order, false);
            return true;
        }
        fl.moveFreepagesBlock(start, pageblocks.get(start), to);
        return true;
    }

    /** unset_migratetype_isolate(): back to {@code mt}, remerging with a free buddy. */
    private void unsetMigratetypeIsolate(long pfn, Migratetype mt) {
        if (!fl.inRange(pfn) || fl.zoneOf(pfn) == null || pageblocks.get(pfn) != Migratetype.ISOLATE) {
            return;
        }
        long start = Mm.alignDown(pfn, Mm.PAGEBLOCK_NR_PAGES);
        if (fl.isFreeHead(start)) {
            int order = fl.orderOf(start);
            if (order >= Mm.PAGEBLOCK_ORDER && order < Mm.MAX_PAGE_ORDER) {
                long b = start ^ (1L << order);
                if (fl.isBuddy(b, order, fl.zoneOf(start)) && pageblocks.get(b) != Migratetype.ISOLATE) {
                    // __isolate_page() then __putback_isolated_page(): freeing again merges.
                    fl.delFromFreeList(start, order, Migratetype.ISOLATE);
                    pageblocks.set(start, mt);
                    fl.markBlock(start, order, ST_FREE);
                    buddy.freeOnePage(start, order, mt, false);
                    return;
                }
            }
        }
        moveFreepagesBlockIsolate(start, mt);
    }
}

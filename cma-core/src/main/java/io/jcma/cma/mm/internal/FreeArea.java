package io.jcma.cma.mm.internal;

import io.jcma.cma.mm.Migratetype;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.Zone;

import java.util.Arrays;

/**
 * Mirrors struct zone's free_area[NR_PAGE_ORDERS] (include/linux/mmzone.h) and the zone's page
 * counters: the heads, tails and lengths of the index-linked free lists of one zone, one list
 * per order and migratetype, and NR_FREE_PAGES, NR_FREE_CMA_PAGES, managed and present pages.
 *
 * <h2>Free lists of one zone (free_area[order].free_list[mt], index-linked)</h2>
 * <pre>
 *   order  Unmovable     Movable            Reclaimable  HighAtomic  CMA            Isolate
 *    10    -             [512]-&gt;[3584]      -            -           [196608]-&gt;..   -
 *     9    [1024]        -                  -            -           -              [197120]
 *     ..
 *     0    [1030]-&gt;[1031]  [7]              -            -           [200001]       -
 *          head[order*6+mt] -&gt; idx -&gt; next[idx] -&gt; ... -&gt; NIL      (tail[] for tail inserts)
 * </pre>
 * Guarded by the zone lock ({@link FreeLists#lock}).
 */
final class FreeArea {
    static final int NR_ORDERS = Mm.MAX_PAGE_ORDER + 1;
    static final int NMT = Migratetype.values().length;
    /** The end of a free list. */
    static final int NIL = -1;

    final Zone zone;
    final int[] head = new int[NR_ORDERS * NMT];
    final int[] tail = new int[NR_ORDERS * NMT];
    final long[] nrFree = new long[NR_ORDERS * NMT];
    /** NR_FREE_PAGES: free pages on every list but the isolate ones. */
    long free;
    /** NR_FREE_CMA_PAGES. */
    long freeCma;
    long managed;
    long present;
    long cmaPages;

    FreeArea(Zone zone) {
        this.zone = zone;
        Arrays.fill(head, NIL);
        Arrays.fill(tail, NIL);
    }

    /** The index of the free_list[mt] of free_area[order] in head, tail and nrFree. */
    static int list(int order, Migratetype mt) {
        return order * NMT + mt.ordinal();
    }

    /** account_freepages(): isolated pages are not free as vmstat counts them. */
    void account(long nr, Migratetype mt) {
        if (mt == Migratetype.ISOLATE) {
            return;
        }
        free += nr;
        if (mt == Migratetype.CMA) {
            freeCma += nr;
        }
    }
}

package io.jcma.cma.mm.internal;

import io.jcma.cma.mm.Gfp;
import io.jcma.cma.mm.Migratetype;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.Pageblocks;
import io.jcma.cma.mm.ZoneType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static io.jcma.cma.mm.internal.FreeArea.NIL;
import static io.jcma.cma.mm.internal.FreeArea.NMT;
import static io.jcma.cma.mm.internal.FreeArea.NR_ORDERS;
import static io.jcma.cma.mm.internal.PageFlags.ST_FREE;
import static io.jcma.cma.mm.internal.PageFlags.ST_MOVABLE;
import static io.jcma.cma.mm.internal.PageFlags.ST_RESERVED;

/**
 * Mirrors the buddy core of mm/page_alloc.c: freeing with merges (__free_one_page(),
 * split_large_buddy(), __free_pages_memory()), allocation by splitting (expand(),
 * __rmqueue_smallest()), stealing from other migratetypes (fallbacks[],
 * find_suitable_fallback(), __rmqueue_fallback(), steal_suitable_fallback()), __rmqueue() and
 * the zonelists walked by get_page_from_freelist(). Callers hold the zone lock.
 *
 * <h2>Notation</h2>
 * <pre>
 *   pfn          page frame number          idx     pfn - base, the index into the page arrays
 *   order        a block is 2^order pages   buddy   pfn ^ (1 &lt;&lt; order), the block it merges with
 *   mt           migratetype of a list or   PB      pageblock_order (9): a pageblock is 512 pages
 *                of a pageblock             MAX     MAX_PAGE_ORDER (10)
 *   NR_FREE_PAGES / NR_FREE_CMA_PAGES       free pages per zone (isolated ones not counted)
 * </pre>
 * A free block sits on the list of its pageblock's migratetype (6.10+ freelist hygiene); blocks
 * of order &gt;= PB merge across pageblocks only when both types are mergeable (&lt; CMA).
 *
 * <h2>alloc_pages(order, gfp)</h2>
 * <ol>
 *   <li>mt = gfp_migratetype(gfp); ALLOC_CMA when mt is MOVABLE; ALLOC_NOFRAGMENT when the
 *       preferred zone is Normal (alloc_flags_nofragment()).</li>
 *   <li>Walk the zonelist from the highest zone gfp_zone() allows, node 0 first
 *       (get_page_from_freelist()); if every zone fails under ALLOC_NOFRAGMENT, drop it and
 *       walk again.</li>
 *   <li>In a zone (__rmqueue()): with ALLOC_CMA and NR_FREE_CMA_PAGES &gt; NR_FREE_PAGES / 2,
 *       take from the CMA lists first (__rmqueue_cma_fallback()).</li>
 *   <li>Else the smallest block of order &gt;= order on the mt lists (__rmqueue_smallest()),
 *       split down with the halves put back on the same lists (expand()).</li>
 *   <li>Else, with ALLOC_CMA, the CMA lists; else steal from another type in fallbacks[] order,
 *       the largest block first (__rmqueue_fallback(), find_suitable_fallback()); a block of
 *       order &gt;= PB changes owner whole, a smaller one takes its whole pageblock when at least
 *       half of it is free or alike (steal_suitable_fallback()). Unmovable and reclaimable
 *       allocations never take CMA pages.</li>
 * </ol>
 *
 * <h2>free_pages(pfn, order)</h2>
 * <ol>
 *   <li>Free pageblock by pageblock, each with its own migratetype (split_large_buddy()).</li>
 *   <li>While the buddy is a free block of the same order and zone, unlink it and merge
 *       (__free_one_page()); stop at MAX or at a pageblock boundary between unmergeable
 *       types.</li>
 *   <li>Put the result at the list's tail when its parent's buddy is free too
 *       (buddy_merge_likely()) or at boot (FPI_TO_TAIL), else at the head.</li>
 * </ol>
 */
final class Buddy {
    private static final int ALLOC_CMA = 1;
    private static final int ALLOC_NOFRAGMENT = 2;

    /** fallbacks[]: the lists each type steals from, in order (6.12: no terminator). */
    private static final Migratetype[][] FALLBACKS = {
            {Migratetype.RECLAIMABLE, Migratetype.MOVABLE},
            {Migratetype.RECLAIMABLE, Migratetype.UNMOVABLE},
            {Migratetype.UNMOVABLE, Migratetype.MOVABLE},
    };

    /** A list find_suitable_fallback() chose, and whether its whole pageblock may be claimed. */
    private record Fallback(Migratetype mt, boolean canSteal) {
    }

    private final FreeLists fl;
    private final Pageblocks pageblocks;
    private final boolean singleNode;
    /**
     * node_zonelists[ZONELIST_FALLBACK] of each node, cut at each highest zone type: indexed by
     * nid, then ZoneType ordinal. Null for a node without memory.
     */
    private final FreeArea[][][] zonelists;
    /** numa_node_id() of the simulated CPU: the lowest node with memory. */
    final int localNid;

    Buddy(FreeLists fl) {
        this.fl = fl;
        this.pageblocks = fl.pageblocks;
        FreeArea[] zones = fl.zones;
        int[] nids = Arrays.stream(zones).mapToInt(z -> z.zone.nid()).distinct().toArray();
        this.singleNode = nids.length <= 1;
        int maxNid = Arrays.stream(nids).max().orElse(0);
        this.localNid = Arrays.stream(nids).min().orElse(0);
        this.zonelists = new FreeArea[maxNid + 1][][];
        for (int nid : nids) {
            zonelists[nid] = new FreeArea[ZoneType.values().length][];
            for (ZoneType t : ZoneType.values()) {
                zonelists[nid][t.ordinal()] = buildZonelist(t, nid);
            }
        }
    }

    /** __free_one_page(): merges with free buddies and puts the result on its list. */
    void freeOnePage(long pfn, int order, Migratetype mt, boolean fpiToTail) {
        FreeArea z = fl.zoneOf(pfn);
        z.account(1L << order, mt);
        while (order < Mm.MAX_PAGE_ORDER) {
            long buddy = pfn ^ (1L << order);
            if (!fl.isBuddy(buddy, order, z)) {
                break;
            }
            Migratetype buddyMt = mt;
            if (order >= Mm.PAGEBLOCK_ORDER) {
                buddyMt = pageblocks.get(buddy);
                if (mt != buddyMt && (!FreeLists.mergeable(mt) || !FreeLists.mergeable(buddyMt))) {
                    break;
                }
            }
            fl.delFromFreeList(buddy, order, buddyMt);
            if (buddyMt != mt) {
                pageblocks.set(buddy, mt);
            }
            fl.setFlags(pfn, ST_FREE, false, 0);
            pfn &= buddy;
            order++;
        }
        boolean toTail = fpiToTail;
        if (!toTail && order < Mm.MAX_PAGE_ORDER - 1) {
            // buddy_merge_likely(): the parent's buddy is free, so this block will soon merge.
            long combined = (pfn ^ (1L << order)) & pfn;
            toTail = fl.isBuddy(combined ^ (1L << (order + 1)), order + 1, z);
        }
        fl.addToFreeList(pfn, order, mt, toTail);
    }

    /** split_large_buddy(): frees a block pageblock by pageblock, each with its own type. */
    void freeBlock(long pfn, int order, boolean fpiToTail) {
        long end = pfn + (1L << order);
        int o = Math.min(order, Mm.PAGEBLOCK_ORDER);
        for (long p = pfn; p < end; p += 1L << o) {
            fl.markBlock(p, o, ST_FREE);
            freeOnePage(p, o, pageblocks.get(p), fpiToTail);
        }
    }

    /**
     * __free_pages_memory() of mm/memblock.c: the largest aligned chunks of reserved RAM, to the
     * tail (FPI_TO_TAIL), each counted as managed by its zone.
     */
    void freePagesMemory(long start, long end) {
        while (start < end) {
            int order = start == 0 ? Mm.MAX_PAGE_ORDER
                    : Math.min(Mm.MAX_PAGE_ORDER, Long.numberOfTrailingZeros(start));
            while (order > 0 && (start + (1L << order) > end || !fl.oneZone(start, 1L << order))) {
                order--;
            }
            if (fl.oneZone(start, 1L << order) && fl.memory.isRam(start, 1L << order)
                    && fl.allState(start, 1L << order, ST_RESERVED)) {
                FreeArea z = fl.zoneOf(start);
                z.managed += 1L << order;
                freeBlock(start, order, true);
            }
            start += 1L << order;
        }
    }

    /** expand(): splits a block of order high down to low; returns the pages put back. */
    long expand(long pfn, int low, int high, Migratetype mt) {
        long size = 1L << high;
        long added = 0;
        while (high > low) {
            high--;
            size >>= 1;
            fl.addToFreeList(pfn + size, high, mt, false);
            added += size;
        }
        return added;
    }

    /** page_del_and_expand(). */
    private void delAndExpand(long pfn, int low, int high, Migratetype mt) {
        FreeArea z = fl.zoneOf(pfn);
        fl.delFromFreeList(pfn, high, mt);
        long nr = (1L << high) - expand(pfn, low, high, mt);
        z.account(-nr, mt);
    }

    /** __rmqueue_smallest(): the first pfn of the block taken, or -1 (no page). */
    private long rmqueueSmallest(FreeArea z, int order, Migratetype mt) {
        for (int o = order; o < NR_ORDERS; o++) {
            int h = z.head[FreeArea.list(o, mt)];
            if (h == NIL) {
                continue;
            }
            long pfn = fl.base + h;
            delAndExpand(pfn, order, o, mt);
            return pfn;
        }
        return -1;
    }

    private static boolean canStealFallback(int order, Migratetype startMt) {
        return order >= Mm.PAGEBLOCK_ORDER || order >= Mm.PAGEBLOCK_ORDER / 2
                || startMt == Migratetype.RECLAIMABLE || startMt == Migratetype.UNMOVABLE;
    }

    /** find_suitable_fallback(): the fallback list with free blocks of {@code order}, or null. */
    private Fallback findSuitableFallback(FreeArea z, int order, Migratetype mt) {
        long nr = 0;
        for (int m = 0; m < NMT; m++) {
            nr += z.nrFree[order * NMT + m];
        }
        if (nr == 0) {
            return null;
        }
        for (Migratetype f : FALLBACKS[mt.ordinal()]) {
            if (z.head[FreeArea.list(order, f)] == NIL) {
                continue;
            }
            return new Fallback(f, canStealFallback(order, mt));
        }
        return null;
    }

    /** __rmqueue_fallback() (6.10-6.14 form): the first pfn taken, or -1. */
    private long rmqueueFallback(FreeArea z, int order, Migratetype startMt, int allocFlags) {
        int minOrder = order;
        if (order < Mm.PAGEBLOCK_ORDER && (allocFlags & ALLOC_NOFRAGMENT) != 0) {
            minOrder = Mm.PAGEBLOCK_ORDER;
        }
        for (int cur = Mm.MAX_PAGE_ORDER; cur >= minOrder; cur--) {
            Fallback f = findSuitableFallback(z, cur, startMt);
            if (f == null) {
                continue;
            }
            if (!f.canSteal() && startMt == Migratetype.MOVABLE && cur > order) {
                // find_smallest: split the smallest block rather than fragment a large one.
                for (int o = order; o < NR_ORDERS; o++) {
                    Fallback g = findSuitableFallback(z, o, startMt);
                    if (g != null) {
                        return stealSuitableFallback(z, fl.base + z.head[FreeArea.list(o, g.mt())], o, order, startMt,
                                g.canSteal());
                    }
                }
                return -1;
            }
            return stealSuitableFallback(z, fl.base + z.head[FreeArea.list(cur, f.mt())], cur, order, startMt,
                    f.canSteal());
        }
        return -1;
    }

    /** steal_suitable_fallback(): claims the pageblock when enough of it is free or alike. */
    private long stealSuitableFallback(FreeArea z, long pfn, int currentOrder, int order, Migratetype startMt,
                                       boolean wholeBlock) {
        Migratetype blockMt = pageblocks.get(pfn);
        if (blockMt != Migratetype.HIGHATOMIC) {
            if (currentOrder >= Mm.PAGEBLOCK_ORDER) {
                fl.delFromFreeList(pfn, currentOrder, blockMt);
                z.account(-(1L << currentOrder), blockMt);
                for (long p = pfn; p < pfn + (1L << currentOrder); p += Mm.PAGEBLOCK_NR_PAGES) {
                    pageblocks.set(p, startMt);
                }
                long added = expand(pfn, order, currentOrder, startMt);
                z.account(added, startMt);
                return pfn;
            }
            long start = Mm.alignDown(pfn, Mm.PAGEBLOCK_NR_PAGES);
            if (wholeBlock && z.zone.contains(start) && z.zone.contains(start + Mm.PAGEBLOCK_NR_PAGES - 1)
                    && fl.inRange(start) && fl.inRange(start + Mm.PAGEBLOCK_NR_PAGES - 1)) {
                long freePages = 0;
                long movablePages = 0;
                for (long p = start; p < start + Mm.PAGEBLOCK_NR_PAGES; ) {
                    if (fl.isFreeHead(p)) {
                        freePages += 1L << fl.orderOf(p);
                        p += 1L << fl.orderOf(p);
                        continue;
                    }
                    if (fl.state(p) == ST_MOVABLE) {
                        movablePages++;
                    }
                    p++;
                }
                long alike;
                if (startMt == Migratetype.MOVABLE) {
                    alike = movablePages;
                } else if (blockMt == Migratetype.MOVABLE) {
                    alike = Mm.PAGEBLOCK_NR_PAGES - (freePages + movablePages);
                } else {
                    alike = 0;
                }
                if (freePages + alike >= (1L << (Mm.PAGEBLOCK_ORDER - 1))) {
                    fl.moveFreepagesBlock(start, blockMt, startMt);
                    return rmqueueSmallest(z, order, startMt);
                }
            }
        }
        delAndExpand(pfn, order, currentOrder, blockMt);
        return pfn;
    }

    /** __rmqueue(): the first pfn taken from zone {@code z}, or -1. */
    private long rmqueue(FreeArea z, int order, Migratetype mt, int allocFlags) {
        if ((allocFlags & ALLOC_CMA) != 0 && z.freeCma > z.free / 2) {
            long pfn = rmqueueSmallest(z, order, Migratetype.CMA);
            if (pfn >= 0) {
                return pfn;
            }
        }
        long pfn = rmqueueSmallest(z, order, mt);
        if (pfn < 0) {
            if ((allocFlags & ALLOC_CMA) != 0) {
                pfn = rmqueueSmallest(z, order, Migratetype.CMA);
            }
            if (pfn < 0) {
                pfn = rmqueueFallback(z, order, mt, allocFlags);
            }
        }
        return pfn;
    }

    /**
     * build_zonelists() for node {@code nid}: its own zones first, highest type first, then the
     * other nodes in find_next_best_node() order (all remote distances equal without a SLIT, a
     * penalty of 1 for nodes numbered below {@code nid}, then by number).
     */
    private FreeArea[] buildZonelist(ZoneType highest, int nid) {
        List<FreeArea> out = new ArrayList<>();
        for (FreeArea z : fl.zones) {
            if (z.zone.type().ordinal() <= highest.ordinal()) {
                out.add(z);
            }
        }
        out.sort(Comparator.comparingInt((FreeArea z) -> z.zone.nid() == nid ? 0 : z.zone.nid() < nid ? 2 : 1)
                .thenComparingInt((FreeArea z) -> z.zone.nid())
                .thenComparing((FreeArea z) -> z.zone.type(), Comparator.reverseOrder()));
        return out.toArray(FreeArea[]::new);
    }

    private FreeArea[] zonelist(int nid, int gfp) {
        FreeArea[][] lists = nid >= 0 && nid < zonelists.length && zonelists[nid] != null
                ? zonelists[nid] : zonelists[localNid];
        return lists[Gfp.highestZone(gfp).ordinal()];
    }

    /** get_page_from_freelist() on the local node's zonelist: the first pfn taken, or -1. */
    long getPageFromFreelist(int order, int gfp) {
        return getPageFromFreelist(order, gfp, localNid);
    }

    /**
     * get_page_from_freelist() with the ALLOC_NOFRAGMENT retry of __alloc_pages(), on node
     * {@code nid}'s zonelist: the first pfn taken, or -1. Reaching a remote node's zone with
     * ALLOC_NOFRAGMENT set drops the flag and starts again: locality is worth more than
     * fragmentation avoidance.
     */
    long getPageFromFreelist(int order, int gfp, int nid) {
        Migratetype mt = Gfp.migratetype(gfp);
        int allocFlags = mt == Migratetype.MOVABLE ? ALLOC_CMA : 0;
        FreeArea[] zonelist = zonelist(nid, gfp);
        FreeArea preferred = null;
        for (FreeArea z : zonelist) {
            if (z.managed > 0) {
                preferred = z;
                break;
            }
        }
        if (preferred == null) {
            return -1;
        }
        if (preferred.zone.type() == ZoneType.NORMAL && (singleNode || hasPopulated(preferred.zone.nid(),
                ZoneType.DMA32))) {
            allocFlags |= ALLOC_NOFRAGMENT;
        }
        retry:
        while (true) {
            for (FreeArea z : zonelist) {
                if (z.managed == 0) {
                    continue; // build_zonerefs_node() lists managed zones only
                }
                if ((allocFlags & ALLOC_NOFRAGMENT) != 0 && !singleNode && z != preferred
                        && z.zone.nid() != preferred.zone.nid()) {
                    allocFlags &= ~ALLOC_NOFRAGMENT;
                    continue retry;
                }
                long pfn = rmqueue(z, order, mt, allocFlags);
                if (pfn >= 0) {
                    return pfn;
                }
            }
            if ((allocFlags & ALLOC_NOFRAGMENT) == 0) {
                return -1;
            }
            allocFlags &= ~ALLOC_NOFRAGMENT;
        }
    }

    private boolean hasPopulated(int nid, ZoneType t) {
        for (FreeArea z : fl.zones) {
            if (z.zone.nid() == nid && z.zone.type() == t && z.present > 0) {
                return true;
            }
        }
        return false;
    }
}

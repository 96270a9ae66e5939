package io.jcma.cma.mm.internal;

import io.jcma.cma.mm.Migratetype;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.PageAllocator;
import io.jcma.cma.mm.Pageblocks;

import java.util.List;

import static io.jcma.cma.mm.internal.FreeArea.NIL;
import static io.jcma.cma.mm.internal.FreeArea.NMT;
import static io.jcma.cma.mm.internal.FreeArea.NR_ORDERS;
import static io.jcma.cma.mm.internal.PageFlags.ST_FREE;
import static io.jcma.cma.mm.internal.PageFlags.ST_MOVABLE;

/**
 * The buddy allocator's invariants, checked from outside it for the tests: what the kernel's
 * CONFIG_DEBUG_VM checks would catch, over the whole machine at once.
 */
public final class BuddyInvariants {
    private BuddyInvariants() {
    }

    /**
     * Checks every invariant of a {@link BuddyAllocator} and returns the first violation, or
     * null: each managed page in exactly one state, every free block on the list of its
     * pageblock's type and marked so page by page, list counts equal to nr_free, NR_FREE_PAGES
     * and NR_FREE_CMA_PAGES equal to what the lists hold, every movable page owned by the region
     * whose handle points at it.
     *
     * @throws IllegalArgumentException if the allocator is not a BuddyAllocator
     */
    public static String check(PageAllocator allocator) {
        if (!(allocator instanceof BuddyAllocator a)) {
            throw new IllegalArgumentException("allocator: " + allocator + " (expected: a BuddyAllocator)");
        }
        FreeLists fl = a.freeLists();
        List<MovableRegions.Region> regions = a.movableRegions().all();
        long base = fl.base;
        byte[] flags = fl.flags;
        int[] next = fl.next;
        int[] prev = fl.prev;
        Pageblocks pageblocks = fl.pageblocks;
        fl.lock.lock();
        try {
            byte[] seen = new byte[flags.length];
            for (FreeArea z : fl.zones) {
                long free = 0;
                long freeCma = 0;
                for (int o = 0; o < NR_ORDERS; o++) {
                    for (int m = 0; m < NMT; m++) {
                        int l = o * NMT + m;
                        long n = 0;
                        int prevI = NIL;
                        for (int i = z.head[l]; i != NIL; i = next[i]) {
                            long pfn = base + i;
                            if (prev[i] != prevI) {
                                return "list " + m + "/" + o + ": prev link of pfn " + pfn + " is " + prev[i];
                            }
                            if (!fl.isFreeHead(pfn) || fl.orderOf(pfn) != o) {
                                return "list " + m + "/" + o + ": pfn " + pfn + " is not a free head of that order";
                            }
                            if (fl.zoneOf(pfn) != z) {
                                return "pfn " + pfn + " on a list of the wrong zone";
                            }
                            if ((pfn & ((1L << o) - 1)) != 0) {
                                return "pfn " + pfn + " misaligned for order " + o;
                            }
                            for (long p = pfn; p < pfn + (1L << o); p += Mm.PAGEBLOCK_NR_PAGES) {
                                if (pageblocks.get(p).ordinal() != m) {
                                    return "free block at pfn " + pfn + " order " + o + " on list " + m
                                            + " but pageblock of pfn " + p + " is " + pageblocks.get(p);
                                }
                            }
                            for (long p = pfn; p < pfn + (1L << o); p++) {
                                if (seen[fl.idx(p)]++ != 0) {
                                    return "pfn " + p + " in two free blocks";
                                }
                                if (fl.state(p) != ST_FREE || (p != pfn && fl.isHead(p))) {
                                    return "pfn " + p + " inside free block " + pfn + "/" + o + " has state "
                                            + fl.state(p);
                                }
                            }
                            if (m != Migratetype.ISOLATE.ordinal()) {
                                free += 1L << o;
                                if (m == Migratetype.CMA.ordinal()) {
                                    freeCma += 1L << o;
                                }
                            }
                            n++;
                            prevI = i;
                        }
                        if (n != z.nrFree[l]) {
                            return "nr_free[" + o + "][" + m + "] = " + z.nrFree[l] + " but the list holds " + n;
                        }
                        if (z.tail[l] != prevI) {
                            return "tail of list " + m + "/" + o + " is " + z.tail[l] + ", expected " + prevI;
                        }
                    }
                }
                if (free != z.free || freeCma != z.freeCma) {
                    return "zone " + z.zone + ": NR_FREE_PAGES=" + z.free + " NR_FREE_CMA_PAGES=" + z.freeCma
                            + " but the lists hold " + free + " and " + freeCma;
                }
            }
            for (int i = 0; i < flags.length; i++) {
                int st = PageFlags.state(flags[i]);
                long pfn = base + i;
                if (st == ST_FREE && seen[i] == 0) {
                    return "pfn " + pfn + " marked free but on no list";
                }
                if (st == ST_MOVABLE) {
                    int rid = next[i];
                    if (rid < 0 || rid >= regions.size() || regions.get(rid) == null) {
                        return "movable pfn " + pfn + " has no region";
                    }
                    MovableRegions.Region r = regions.get(rid);
                    if (r.freed || r.pfns[prev[i]] != pfn) {
                        return "movable pfn " + pfn + " not the handle of region " + rid + " page " + prev[i];
                    }
                }
                if (st > ST_MOVABLE) {
                    return "pfn " + pfn + " has an unknown state " + st;
                }
            }
            for (MovableRegions.Region r : regions) {
                if (r == null || r.freed) {
                    continue;
                }
                for (int j = 0; j < r.pfns.length; j++) {
                    long p = r.pfns[j];
                    if (fl.state(p) != ST_MOVABLE || next[fl.idx(p)] != r.id || prev[fl.idx(p)] != j) {
                        return "region " + r.id + " page " + j + " points at pfn " + p + " that it does not own";
                    }
                }
            }
            return null;
        } finally {
            fl.lock.unlock();
        }
    }
}

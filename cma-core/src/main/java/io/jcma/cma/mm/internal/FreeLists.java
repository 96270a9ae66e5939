package io.jcma.cma.mm.internal;

import io.jcma.cma.mm.MemoryBank;
import io.jcma.cma.mm.Migratetype;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.Pageblocks;
import io.jcma.cma.mm.PhysicalMemory;
import io.jcma.cma.mm.Zone;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import static io.jcma.cma.mm.internal.FreeArea.NIL;
import static io.jcma.cma.mm.internal.PageFlags.ST_FREE;

/**
 * Mirrors the free-list primitives of mm/page_alloc.c (__add_to_free_list(),
 * __del_page_from_free_list(), move_to_free_list(), account_freepages()) over the page arrays
 * that stand for struct page ({@link PageFlags}), with page_zone() and page_is_buddy().
 *
 * <p>Every zone's {@link FreeArea}, the page arrays and the pageblock types are guarded by
 * {@link #lock}, the kernel's zone->lock (here one for all zones). The classes of this package
 * that make up the buddy allocator ({@link Buddy}, {@link PageIsolation}, {@link Migrate},
 * {@link Compaction}, {@link ContigRange}, {@link MovableRegions}) read and write these fields
 * directly, as the kernel's files touch struct page and struct zone.
 */
final class FreeLists {
    final PhysicalMemory memory;
    final Pageblocks pageblocks;
    /** The zones sorted by node, then type; a zone's index is its id in {@link #blockZone}. */
    final FreeArea[] zones;
    /** The first pfn of the page arrays and one past their last. */
    final long base;
    final long limit;
    final long firstBlock;
    /** The zone (index into {@link #zones}) of each pageblock's first RAM pfn, -1 for none. */
    final byte[] blockZone;
    final byte[] flags;
    final int[] next;
    final int[] prev;
    /** zone->lock. */
    final ReentrantLock lock = new ReentrantLock();

    /**
     * Page arrays for every pfn of {@code memory}, all RESERVED, and an empty free area per zone.
     *
     * @throws IllegalArgumentException if RAM spans 2^31 pages or more, or there are more than
     *                                  127 zones
     */
    FreeLists(PhysicalMemory memory, List<Zone> zoneList, Pageblocks pageblocks) {
        this.memory = memory;
        this.pageblocks = pageblocks;
        this.base = memory.startPfn();
        this.limit = memory.endPfn();
        long span = limit - base;
        if (span > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("pfn span: " + span + " (expected: < 2^31 pages)");
        }
        if (zoneList.size() > 127) {
            throw new IllegalArgumentException("zones: " + zoneList.size() + " (expected: <= 127)");
        }
        this.flags = new byte[(int) span];
        this.next = new int[(int) span];
        this.prev = new int[(int) span];
        List<Zone> sorted = new ArrayList<>(zoneList);
        sorted.sort(Comparator.comparingInt(Zone::nid).thenComparing(Zone::type));
        this.zones = new FreeArea[sorted.size()];
        for (int i = 0; i < zones.length; i++) {
            zones[i] = new FreeArea(sorted.get(i));
        }
        this.firstBlock = base >>> Mm.PAGEBLOCK_ORDER;
        long lastBlock = (limit + Mm.PAGEBLOCK_NR_PAGES - 1) >>> Mm.PAGEBLOCK_ORDER;
        this.blockZone = new byte[(int) (lastBlock - firstBlock)];
        Arrays.fill(blockZone, (byte) -1);
        for (MemoryBank b : memory.banks()) {
            for (int zi = 0; zi < zones.length; zi++) {
                Zone z = zones[zi].zone;
                if (z.nid() != b.nid()) {
                    continue;
                }
                long s = Math.max(z.startPfn(), b.startPfn());
                long e = Math.min(z.endPfn(), b.endPfn());
                if (s >= e) {
                    continue;
                }
                zones[zi].present += e - s;
                for (long blk = s >>> Mm.PAGEBLOCK_ORDER; blk <= (e - 1) >>> Mm.PAGEBLOCK_ORDER; blk++) {
                    int bi = (int) (blk - firstBlock);
                    if (blockZone[bi] < 0) {
                        blockZone[bi] = (byte) zi;
                    }
                }
            }
        }
    }

    int idx(long pfn) {
        return (int) (pfn - base);
    }

    boolean inRange(long pfn) {
        return pfn >= base && pfn < limit;
    }

    int state(long pfn) {
        return PageFlags.state(flags[idx(pfn)]);
    }

    boolean isHead(long pfn) {
        return PageFlags.isHead(flags[idx(pfn)]);
    }

    int orderOf(long pfn) {
        return PageFlags.order(flags[idx(pfn)]);
    }

    void setFlags(long pfn, int state, boolean head, int order) {
        flags[idx(pfn)] = PageFlags.encode(state, head, order);
    }

    /** Marks [pfn, pfn + 2^order) with {@code state}: the first page a head of {@code order}. */
    void markBlock(long pfn, int order, int state) {
        long n = 1L << order;
        int i = idx(pfn);
        Arrays.fill(flags, i + 1, (int) (i + n), PageFlags.tail(state));
        setFlags(pfn, state, true, order);
    }

    /** PageBuddy(page) &amp;&amp; buddy_order(page) == order &amp;&amp; same zone: page_is_buddy(). */
    boolean isBuddy(long pfn, int order, FreeArea z) {
        return inRange(pfn) && PageFlags.isFreeHeadOf(flags[idx(pfn)], order) && zoneOf(pfn) == z;
    }

    /** PageBuddy(): the head of a free block (false outside the page arrays). */
    boolean isFreeHead(long pfn) {
        return inRange(pfn) && PageFlags.isFreeHead(flags[idx(pfn)]);
    }

    /** Whether every page of [pfn, pfn + n) is in {@code st}. */
    boolean allState(long pfn, long n, int st) {
        for (long p = pfn; p < pfn + n; p++) {
            if (state(p) != st) {
                return false;
            }
        }
        return true;
    }

    /** page_zone(): the free area of the zone of {@code pfn}, or null in a hole. */
    FreeArea zoneOf(long pfn) {
        int bi = (int) ((pfn >>> Mm.PAGEBLOCK_ORDER) - firstBlock);
        if (bi < 0 || bi >= blockZone.length || blockZone[bi] < 0) {
            return null;
        }
        FreeArea z = zones[blockZone[bi]];
        if (z.zone.contains(pfn)) {
            return z;
        }
        // A zone or node boundary inside this pageblock: look the pfn up exactly.
        MemoryBank b = memory.bankOf(pfn);
        for (FreeArea other : zones) {
            if (b != null && other.zone.nid() == b.nid() && other.zone.contains(pfn)) {
                return other;
            }
        }
        return null;
    }

    /** Whether [pfn, pfn + n) is RAM of one zone. */
    boolean oneZone(long pfn, long n) {
        FreeArea z = zoneOf(pfn);
        return z != null && z == zoneOf(pfn + n - 1) && z.zone.contains(pfn) && z.zone.contains(pfn + n - 1)
                && memory.isRam(pfn, n);
    }

    /** migratetype_is_mergeable(): blocks of these types merge across pageblocks. */
    static boolean mergeable(Migratetype mt) {
        return mt.ordinal() < Migratetype.HIGHATOMIC.ordinal();
    }

    /**
     * @throws IndexOutOfBoundsException if [pfn, pfn + count) is not inside the page arrays
     */
    void checkRange(long pfn, long count) {
        if (count < 0 || pfn < base || pfn + count > limit || pfn + count < pfn) {
            throw new IndexOutOfBoundsException("pfn range: [" + pfn + ", " + (pfn + count) + ") (expected: within ["
                    + base + ", " + limit + "))");
        }
    }

    /** __add_to_free_list(): to the head, or the tail, of free_list[mt] of free_area[order]. */
    void addToFreeList(long pfn, int order, Migratetype mt, boolean toTail) {
        FreeArea z = zoneOf(pfn);
        int l = FreeArea.list(order, mt);
        int i = idx(pfn);
        if (z.head[l] == NIL) {
            next[i] = NIL;
            prev[i] = NIL;
            z.head[l] = i;
            z.tail[l] = i;
        } else if (toTail) {
            int t = z.tail[l];
            prev[i] = t;
            next[i] = NIL;
            next[t] = i;
            z.tail[l] = i;
        } else {
            int h = z.head[l];
            next[i] = h;
            prev[i] = NIL;
            prev[h] = i;
            z.head[l] = i;
        }
        z.nrFree[l]++;
        setFlags(pfn, ST_FREE, true, order);
    }

    /** __del_page_from_free_list(): unlinks; the block's pages stay marked free. */
    void delFromFreeList(long pfn, int order, Migratetype mt) {
        FreeArea z = zoneOf(pfn);
        int l = FreeArea.list(order, mt);
        int i = idx(pfn);
        int n = next[i];
        int p = prev[i];
        if (p == NIL) {
            assert z.head[l] == i : "free list " + mt + "/" + order + " does not start at pfn " + pfn;
            z.head[l] = n;
        } else {
            next[p] = n;
        }
        if (n == NIL) {
            z.tail[l] = p;
        } else {
            prev[n] = p;
        }
        z.nrFree[l]--;
        setFlags(pfn, ST_FREE, false, 0);
    }

    /** move_to_free_list(): to the tail of the new type's list, recounted. */
    void moveToFreeList(long pfn, int order, Migratetype from, Migratetype to) {
        FreeArea z = zoneOf(pfn);
        delFromFreeList(pfn, order, from);
        addToFreeList(pfn, order, to, true);
        z.account(-(1L << order), from);
        z.account(1L << order, to);
    }

    /**
     * __move_freepages_block(): every free block of the pageblock at {@code start} to the
     * {@code to} lists, and the pageblock becomes {@code to}; returns the pages moved.
     */
    long moveFreepagesBlock(long start, Migratetype from, Migratetype to) {
        long moved = 0;
        for (long p = start; p < start + Mm.PAGEBLOCK_NR_PAGES; ) {
            if (!isFreeHead(p)) {
                p++;
                continue;
            }
            int o = orderOf(p);
            moveToFreeList(p, o, from, to);
            p += 1L << o;
            moved += 1L << o;
        }
        pageblocks.set(start, to);
        return moved;
    }
}

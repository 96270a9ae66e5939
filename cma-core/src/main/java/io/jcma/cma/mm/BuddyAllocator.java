package io.jcma.cma.mm;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * The buddy allocator of mm/page_alloc.c, with the pageblock migratetypes that let CMA lend its
 * pages to movable allocations and take them back by migration (mm/page_isolation.c,
 * mm/migrate.c).
 *
 * <h2>Notation</h2>
 * <pre>
 *   pfn          page frame number          idx     pfn - base, the index into the page arrays
 *   order        a block is 2^order pages   buddy   pfn ^ (1 &lt;&lt; order), the block it merges with
 *   mt           migratetype of a list or   PB      pageblock_order (9): a pageblock is 512 pages
 *                of a pageblock             MAX     MAX_PAGE_ORDER (10)
 *   NR_FREE_PAGES / NR_FREE_CMA_PAGES       free pages per zone (isolated ones not counted)
 * </pre>
 *
 * <h2>Per-page state (struct page, in primitive arrays)</h2>
 * <pre>
 *   flags[idx]  bit 7 head | bits 6-4 state (RESERVED FREE ALLOC CONTIG MOVABLE) | bits 3-0 order
 *   next[idx]   free head: next block on its list   movable page: region id
 *   prev[idx]   free head: previous block           movable page: index in the region
 * </pre>
 * Nine bytes per page: a 64 GiB machine (16 Mi pages) costs 144 MiB. The two int arrays are the
 * kernel's union in struct page: list links while a page is free, owner while it is in use.
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
 *
 * <h2>alloc_contig_range(start, end, mt)</h2>
 * <ol>
 *   <li>Mark every pageblock of [start, end), rounded out to pageblocks, MIGRATE_ISOLATE, moving
 *       its free pages to the isolate lists and splitting free blocks that straddle it
 *       (start_isolate_page_range(), set_migratetype_isolate(),
 *       move_freepages_block_isolate()); a block already isolated, or with unmovable pages when
 *       mt is not CMA, fails with EBUSY (has_unmovable_pages()).</li>
 *   <li>Collect up to 32 movable pages at a time from [start, end)
 *       (isolate_migratepages_range()) and migrate each to a page allocated outside
 *       (migrate_pages(), alloc_migration_target()): copy its bytes, repoint its region's
 *       handle, free the old page onto the isolate list. A pinned page fails; migrate_pages()
 *       makes 10 passes and the caller 5 tries before EBUSY
 *       (__alloc_contig_migrate_range()); no memory left is ENOMEM.</li>
 *   <li>Check that [find_large_buddy(start), end) is all free (test_pages_isolated()); if not,
 *       EBUSY. Take those free blocks (isolate_freepages_range()) and free the overshoot on
 *       either side.</li>
 *   <li>Always restore the pageblocks to mt, moving their free pages back and remerging
 *       (undo_isolate_page_range(), unset_migratetype_isolate()).</li>
 * </ol>
 *
 * <p>Not modelled: watermarks, lowmem_reserve, reclaim, compaction, kswapd, per-cpu page lists,
 * highatomic reserves (the HighAtomic lists stay empty), page reporting and shuffling. An
 * allocation succeeds whenever a free block fits; none is refused to protect a reserve. No
 * allocation-failure report (warn_alloc) is logged; __GFP_NOWARN is accepted.
 *
 * <p>Thread-safe: one lock (the kernel's zone->lock, here shared by all zones) guards the lists,
 * the page arrays and the movable regions' handle tables. alloc_contig_range() takes it per
 * step, so other allocations go on while it migrates.
 */
final class BuddyAllocator implements PageAllocator {
    static final int NR_ORDERS = Mm.MAX_PAGE_ORDER + 1;
    static final int NMT = Migratetype.values().length;
    private static final int NIL = -1;

    static final int ST_RESERVED = 0;
    static final int ST_FREE = 1;
    static final int ST_ALLOC = 2;
    static final int ST_CONTIG = 3;
    static final int ST_MOVABLE = 4;
    private static final int HEAD = 0x80;
    private static final int ORDER_MASK = 0x0f;

    private static final int ALLOC_CMA = 1;
    private static final int ALLOC_NOFRAGMENT = 2;

    /** fallbacks[]: the lists each type steals from, in order (6.12: no terminator). */
    private static final Migratetype[][] FALLBACKS = {
            {Migratetype.RECLAIMABLE, Migratetype.MOVABLE},
            {Migratetype.RECLAIMABLE, Migratetype.UNMOVABLE},
            {Migratetype.UNMOVABLE, Migratetype.MOVABLE},
    };
    /** COMPACT_CLUSTER_MAX: pages isolated for migration at a time. */
    static final int COMPACT_CLUSTER_MAX = 32;
    /** NR_MAX_MIGRATE_PAGES_RETRY: passes of migrate_pages() over its list. */
    static final int NR_MAX_MIGRATE_PAGES_RETRY = 10;
    /** The tries of __alloc_contig_migrate_range() before it gives up with EBUSY. */
    static final int CONTIG_MIGRATE_TRIES = 5;

    private final PhysicalMemory memory;
    private final Pageblocks pageblocks;
    private final ZoneArea[] zones;
    private final long base;
    private final long limit;
    private final long firstBlock;
    private final byte[] blockZone;
    private final byte[] flags;
    private final int[] next;
    private final int[] prev;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Region> regions = new ArrayList<>();
    private final ArrayDeque<Integer> freeRegionIds = new ArrayDeque<>();
    private final boolean singleNode;
    /**
     * node_zonelists[ZONELIST_FALLBACK] of each node, cut at each highest zone type: indexed by
     * nid, then ZoneType ordinal. Null for a node without memory.
     */
    private ZoneArea[][][] zonelists;
    /** numa_node_id() of the simulated CPU: the lowest node with memory. */
    private final int localNid;

    /** struct zone's free_area[] and vmstat counters. */
    static final class ZoneArea {
        final Zone zone;
        final int[] head = new int[NR_ORDERS * NMT];
        final int[] tail = new int[NR_ORDERS * NMT];
        final long[] nrFree = new long[NR_ORDERS * NMT];
        long free;
        long freeCma;
        long managed;
        long present;
        long cmaPages;

        ZoneArea(Zone zone) {
            this.zone = zone;
            Arrays.fill(head, NIL);
            Arrays.fill(tail, NIL);
        }
    }

    BuddyAllocator(PhysicalMemory memory, List<Zone> zoneList, Pageblocks pageblocks) {
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
        this.zones = new ZoneArea[sorted.size()];
        for (int i = 0; i < zones.length; i++) {
            zones[i] = new ZoneArea(sorted.get(i));
        }
        this.singleNode = sorted.stream().mapToInt(Zone::nid).distinct().count() <= 1;
        int maxNid = sorted.stream().mapToInt(Zone::nid).max().orElse(0);
        this.localNid = sorted.stream().mapToInt(Zone::nid).min().orElse(0);
        this.zonelists = new ZoneArea[maxNid + 1][][];
        for (int nid : sorted.stream().mapToInt(Zone::nid).distinct().toArray()) {
            zonelists[nid] = new ZoneArea[ZoneType.values().length][];
            for (ZoneType t : ZoneType.values()) {
                zonelists[nid][t.ordinal()] = buildZonelist(t, nid);
            }
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

    // ---- page arrays ----------------------------------------------------------------------

    private int idx(long pfn) {
        return (int) (pfn - base);
    }

    private boolean inRange(long pfn) {
        return pfn >= base && pfn < limit;
    }

    private int state(long pfn) {
        return (flags[idx(pfn)] >> 4) & 7;
    }

    private boolean isHead(long pfn) {
        return (flags[idx(pfn)] & HEAD) != 0;
    }

    private int orderOf(long pfn) {
        return flags[idx(pfn)] & ORDER_MASK;
    }

    private void setFlags(long pfn, int state, boolean head, int order) {
        flags[idx(pfn)] = (byte) ((head ? HEAD : 0) | (state << 4) | order);
    }

    /** Marks [pfn, pfn + n) with {@code state}: the first page a head of {@code order}. */
    private void markBlock(long pfn, int order, int state) {
        long n = 1L << order;
        int i = idx(pfn);
        Arrays.fill(flags, i + 1, (int) (i + n), (byte) (state << 4));
        setFlags(pfn, state, true, order);
    }

    /** PageBuddy(page) && buddy_order(page) == order && same zone: page_is_buddy(). */
    private boolean isBuddy(long pfn, int order, ZoneArea z) {
        if (!inRange(pfn)) {
            return false;
        }
        int f = flags[idx(pfn)];
        return (f & HEAD) != 0 && ((f >> 4) & 7) == ST_FREE && (f & ORDER_MASK) == order && zoneOf(pfn) == z;
    }

    private boolean isFreeHead(long pfn) {
        if (!inRange(pfn)) {
            return false;
        }
        int f = flags[idx(pfn)];
        return (f & HEAD) != 0 && ((f >> 4) & 7) == ST_FREE;
    }

    /** page_zone(). */
    private ZoneArea zoneOf(long pfn) {
        int bi = (int) ((pfn >>> Mm.PAGEBLOCK_ORDER) - firstBlock);
        if (bi < 0 || bi >= blockZone.length || blockZone[bi] < 0) {
            return null;
        }
        ZoneArea z = zones[blockZone[bi]];
        if (z.zone.contains(pfn)) {
            return z;
        }
        // A zone or node boundary inside this pageblock: look the pfn up exactly.
        MemoryBank b = memory.bankOf(pfn);
        for (ZoneArea other : zones) {
            if (b != null && other.zone.nid() == b.nid() && other.zone.contains(pfn)) {
                return other;
            }
        }
        return null;
    }

    private static boolean mergeable(Migratetype mt) {
        return mt.ordinal() < Migratetype.HIGHATOMIC.ordinal();
    }

    // ---- free lists -----------------------------------------------------------------------

    /** __add_to_free_list(). */
    private void addToFreeList(long pfn, int order, Migratetype mt, boolean toTail) {
        ZoneArea z = zoneOf(pfn);
        int l = order * NMT + mt.ordinal();
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
    private void delFromFreeList(long pfn, int order, Migratetype mt) {
        ZoneArea z = zoneOf(pfn);
        int l = order * NMT + mt.ordinal();
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

    /** account_freepages(): isolated pages are not free as vmstat counts them. */
    private static void account(ZoneArea z, long nr, Migratetype mt) {
        if (mt == Migratetype.ISOLATE) {
            return;
        }
        z.free += nr;
        if (mt == Migratetype.CMA) {
            z.freeCma += nr;
        }
    }

    /** move_to_free_list(): to the tail of the new type's list, recounted. */
    private void moveToFreeList(long pfn, int order, Migratetype from, Migratetype to) {
        ZoneArea z = zoneOf(pfn);
        delFromFreeList(pfn, order, from);
        addToFreeList(pfn, order, to, true);
        account(z, -(1L << order), from);
        account(z, 1L << order, to);
    }

    // ---- freeing --------------------------------------------------------------------------

    /** __free_one_page(): merges with free buddies and puts the result on its list. */
    private void freeOnePage(long pfn, int order, Migratetype mt, boolean fpiToTail) {
        ZoneArea z = zoneOf(pfn);
        account(z, 1L << order, mt);
        while (order < Mm.MAX_PAGE_ORDER) {
            long buddy = pfn ^ (1L << order);
            if (!isBuddy(buddy, order, z)) {
                break;
            }
            Migratetype buddyMt = mt;
            if (order >= Mm.PAGEBLOCK_ORDER) {
                buddyMt = pageblocks.get(buddy);
                if (mt != buddyMt && (!mergeable(mt) || !mergeable(buddyMt))) {
                    break;
                }
            }
            delFromFreeList(buddy, order, buddyMt);
            if (buddyMt != mt) {
                pageblocks.set(buddy, mt);
            }
            setFlags(pfn, ST_FREE, false, 0);
            pfn &= buddy;
            order++;
        }
        boolean toTail = fpiToTail;
        if (!toTail && order < Mm.MAX_PAGE_ORDER - 1) {
            // buddy_merge_likely(): the parent's buddy is free, so this block will soon merge.
            long combined = (pfn ^ (1L << order)) & pfn;
            toTail = isBuddy(combined ^ (1L << (order + 1)), order + 1, z);
        }
        addToFreeList(pfn, order, mt, toTail);
    }

    /** split_large_buddy(): frees a block pageblock by pageblock, each with its own type. */
    private void freeBlock(long pfn, int order, boolean fpiToTail) {
        long end = pfn + (1L << order);
        int o = Math.min(order, Mm.PAGEBLOCK_ORDER);
        for (long p = pfn; p < end; p += 1L << o) {
            markBlock(p, o, ST_FREE);
            freeOnePage(p, o, pageblocks.get(p), fpiToTail);
        }
    }

    @Override
    public void freeMemblockMemory(Memblock memblock) {
        lock.lock();
        try {
            for (Memblock.Region r : memblock.freeRanges(Mm.NUMA_NO_NODE)) {
                long s = Math.max(Mm.pfnUp(r.base()), base);
                long e = Math.min(Mm.pfnDown(r.end()), limit);
                freePagesMemory(s, e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** __free_pages_memory(): the largest aligned chunks, to the tail (FPI_TO_TAIL). */
    private void freePagesMemory(long start, long end) {
        while (start < end) {
            int order = start == 0 ? Mm.MAX_PAGE_ORDER
                    : Math.min(Mm.MAX_PAGE_ORDER, Long.numberOfTrailingZeros(start));
            while (order > 0 && (start + (1L << order) > end || !oneZone(start, 1L << order))) {
                order--;
            }
            if (oneZone(start, 1L << order) && memory.isRam(start, 1L << order) && allState(start, 1L << order, ST_RESERVED)) {
                ZoneArea z = zoneOf(start);
                z.managed += 1L << order;
                freeBlock(start, order, true);
            }
            start += 1L << order;
        }
    }

    private boolean oneZone(long pfn, long n) {
        ZoneArea z = zoneOf(pfn);
        return z != null && z == zoneOf(pfn + n - 1) && z.zone.contains(pfn) && z.zone.contains(pfn + n - 1)
                && memory.isRam(pfn, n);
    }

    private boolean allState(long pfn, long n, int st) {
        for (long p = pfn; p < pfn + n; p++) {
            if (state(p) != st) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void freeReservedPages(long pfn, long count) {
        lock.lock();
        try {
            checkRange(pfn, count);
            for (long p = pfn; p < pfn + count; p++) {
                if (state(p) != ST_RESERVED || !memory.isRam(p, 1) || zoneOf(p) == null) {
                    throw new IllegalStateException("free_reserved_page: pfn=" + p + " is not reserved RAM");
                }
            }
            for (long p = pfn; p < pfn + count; p++) {
                zoneOf(p).managed++;
                freeBlock(p, 0, false);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void initCmaReservedPageblock(long pfn) {
        lock.lock();
        try {
            long start = Mm.alignDown(pfn, Mm.PAGEBLOCK_NR_PAGES);
            checkRange(start, Mm.PAGEBLOCK_NR_PAGES);
            if (!oneZone(start, Mm.PAGEBLOCK_NR_PAGES) || !allState(start, Mm.PAGEBLOCK_NR_PAGES, ST_RESERVED)) {
                throw new IllegalStateException("init_cma_reserved_pageblock: pfn=" + start
                        + " is not a reserved pageblock of RAM in one zone");
            }
            pageblocks.set(start, Migratetype.CMA);
            ZoneArea z = zoneOf(start);
            z.managed += Mm.PAGEBLOCK_NR_PAGES;
            z.cmaPages += Mm.PAGEBLOCK_NR_PAGES;
            freeBlock(start, Mm.PAGEBLOCK_ORDER, false);
        } finally {
            lock.unlock();
        }
    }

    private void checkRange(long pfn, long count) {
        if (count < 0 || pfn < base || pfn + count > limit || pfn + count < pfn) {
            throw new IndexOutOfBoundsException("pfn range: [" + pfn + ", " + (pfn + count) + ") (expected: within ["
                    + base + ", " + limit + "))");
        }
    }

    // ---- allocation -----------------------------------------------------------------------

    /** expand(): splits a block of order high down to low; returns the pages put back. */
    private long expand(long pfn, int low, int high, Migratetype mt) {
        long size = 1L << high;
        long added = 0;
        while (high > low) {
            high--;
            size >>= 1;
            addToFreeList(pfn + size, high, mt, false);
            added += size;
        }
        return added;
    }

    /** page_del_and_expand(). */
    private void delAndExpand(long pfn, int low, int high, Migratetype mt) {
        ZoneArea z = zoneOf(pfn);
        delFromFreeList(pfn, high, mt);
        long nr = (1L << high) - expand(pfn, low, high, mt);
        account(z, -nr, mt);
    }

    /** __rmqueue_smallest(). */
    private long rmqueueSmallest(ZoneArea z, int order, Migratetype mt) {
        for (int o = order; o < NR_ORDERS; o++) {
            int h = z.head[o * NMT + mt.ordinal()];
            if (h == NIL) {
                continue;
            }
            long pfn = base + h;
            delAndExpand(pfn, order, o, mt);
            return pfn;
        }
        return -1;
    }

    private static boolean canStealFallback(int order, Migratetype startMt) {
        return order >= Mm.PAGEBLOCK_ORDER || order >= Mm.PAGEBLOCK_ORDER / 2
                || startMt == Migratetype.RECLAIMABLE || startMt == Migratetype.UNMOVABLE;
    }

    /**
     * find_suitable_fallback(): the fallback type with free blocks of {@code order}, or null;
     * {@code canSteal[0]} says whether its whole pageblock may be claimed.
     */
    private Migratetype findSuitableFallback(ZoneArea z, int order, Migratetype mt, boolean[] canSteal) {
        long nr = 0;
        for (int m = 0; m < NMT; m++) {
            nr += z.nrFree[order * NMT + m];
        }
        if (nr == 0) {
            return null;
        }
        canSteal[0] = false;
        for (Migratetype f : FALLBACKS[mt.ordinal()]) {
            if (z.head[order * NMT + f.ordinal()] == NIL) {
                continue;
            }
            canSteal[0] = canStealFallback(order, mt);
            return f;
        }
        return null;
    }

    /** __rmqueue_fallback() (6.10-6.14 form). */
    private long rmqueueFallback(ZoneArea z, int order, Migratetype startMt, int allocFlags) {
        int minOrder = order;
        if (order < Mm.PAGEBLOCK_ORDER && (allocFlags & ALLOC_NOFRAGMENT) != 0) {
            minOrder = Mm.PAGEBLOCK_ORDER;
        }
        boolean[] canSteal = new boolean[1];
        for (int cur = Mm.MAX_PAGE_ORDER; cur >= minOrder; cur--) {
            Migratetype f = findSuitableFallback(z, cur, startMt, canSteal);
            if (f == null) {
                continue;
            }
            if (!canSteal[0] && startMt == Migratetype.MOVABLE && cur > order) {
                // find_smallest: split the smallest block rather than fragment a large one.
                for (int o = order; o < NR_ORDERS; o++) {
                    Migratetype g = findSuitableFallback(z, o, startMt, canSteal);
                    if (g != null) {
                        return stealSuitableFallback(z, base + z.head[o * NMT + g.ordinal()], o, order, startMt,
                                canSteal[0]);
                    }
                }
                return -1;
            }
            return stealSuitableFallback(z, base + z.head[cur * NMT + f.ordinal()], cur, order, startMt, canSteal[0]);
        }
        return -1;
    }

    /** steal_suitable_fallback(): claims the pageblock when enough of it is free or alike. */
    private long stealSuitableFallback(ZoneArea z, long pfn, int currentOrder, int order, Migratetype startMt,
                                       boolean wholeBlock) {
        Migratetype blockMt = pageblocks.get(pfn);
        if (blockMt != Migratetype.HIGHATOMIC) {
            if (currentOrder >= Mm.PAGEBLOCK_ORDER) {
                delFromFreeList(pfn, currentOrder, blockMt);
                account(z, -(1L << currentOrder), blockMt);
                for (long p = pfn; p < pfn + (1L << currentOrder); p += Mm.PAGEBLOCK_NR_PAGES) {
                    pageblocks.set(p, startMt);
                }
                long added = expand(pfn, order, currentOrder, startMt);
                account(z, added, startMt);
                return pfn;
            }
            long start = Mm.alignDown(pfn, Mm.PAGEBLOCK_NR_PAGES);
            if (wholeBlock && z.zone.contains(start) && z.zone.contains(start + Mm.PAGEBLOCK_NR_PAGES - 1)
                    && inRange(start) && inRange(start + Mm.PAGEBLOCK_NR_PAGES - 1)) {
                long freePages = 0;
                long movablePages = 0;
                for (long p = start; p < start + Mm.PAGEBLOCK_NR_PAGES; ) {
                    if (isFreeHead(p)) {
                        freePages += 1L << orderOf(p);
                        p += 1L << orderOf(p);
                        continue;
                    }
                    if (state(p) == ST_MOVABLE) {
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
                    moveFreepagesBlock(start, blockMt, startMt);
                    return rmqueueSmallest(z, order, startMt);
                }
            }
        }
        delAndExpand(pfn, order, currentOrder, blockMt);
        return pfn;
    }

    /** __move_freepages_block(): every free block of the pageblock to the new type. */
    private long moveFreepagesBlock(long start, Migratetype from, Migratetype to) {
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

    /** __rmqueue(). */
    private long rmqueue(ZoneArea z, int order, Migratetype mt, int allocFlags) {
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

    /** The zonelist for gfp_zone(): node 0's zones downward from the highest, then the other nodes'. */
    /**
     * build_zonelists() for node {@code nid}: its own zones first, highest type first, then the
     * other nodes in find_next_best_node() order (all remote distances equal without a SLIT, a
     * penalty of 1 for nodes numbered below {@code nid}, then by number).
     */
    private ZoneArea[] buildZonelist(ZoneType highest, int nid) {
        List<ZoneArea> out = new ArrayList<>();
        for (ZoneArea z : zones) {
            if (z.zone.type().ordinal() <= highest.ordinal()) {
                out.add(z);
            }
        }
        out.sort(Comparator.comparingInt((ZoneArea z) -> z.zone.nid() == nid ? 0 : z.zone.nid() < nid ? 2 : 1)
                .thenComparingInt((ZoneArea z) -> z.zone.nid())
                .thenComparing((ZoneArea z) -> z.zone.type(), Comparator.reverseOrder()));
        return out.toArray(ZoneArea[]::new);
    }

    private ZoneArea[] zonelist(int nid, int gfp) {
        ZoneArea[][] lists = nid >= 0 && nid < zonelists.length && zonelists[nid] != null
                ? zonelists[nid] : zonelists[localNid];
        return lists[Gfp.highestZone(gfp).ordinal()];
    }

    /** get_page_from_freelist() on the local node's zonelist. */
    private long getPageFromFreelist(int order, int gfp) {
        return getPageFromFreelist(order, gfp, localNid);
    }

    /**
     * get_page_from_freelist() with the ALLOC_NOFRAGMENT retry of __alloc_pages(), on node
     * {@code nid}'s zonelist. Reaching a remote node's zone with ALLOC_NOFRAGMENT set drops the
     * flag and starts again: locality is worth more than fragmentation avoidance.
     */
    private long getPageFromFreelist(int order, int gfp, int nid) {
        Migratetype mt = Gfp.migratetype(gfp);
        int allocFlags = mt == Migratetype.MOVABLE ? ALLOC_CMA : 0;
        ZoneArea[] zonelist = zonelist(nid, gfp);
        ZoneArea preferred = null;
        for (ZoneArea z : zonelist) {
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
            for (ZoneArea z : zonelist) {
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
        for (ZoneArea z : zones) {
            if (z.zone.nid() == nid && z.zone.type() == t && z.present > 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long allocPages(int order, int gfp) {
        if (order < 0 || order > Mm.MAX_PAGE_ORDER) {
            throw new IllegalArgumentException("order: " + order + " (expected: 0.." + Mm.MAX_PAGE_ORDER + ")");
        }
        long pfn;
        lock.lock();
        try {
            pfn = getPageFromFreelist(order, gfp);
            if (pfn >= 0) {
                markBlock(pfn, order, ST_ALLOC);
            }
        } finally {
            lock.unlock();
        }
        if (pfn >= 0 && (gfp & Gfp.ZERO) != 0) {
            memory.zero(pfn, 1L << order);
        }
        return pfn;
    }

    @Override
    public void freePages(long pfn, int order) {
        if (order < 0 || order > Mm.MAX_PAGE_ORDER) {
            throw new IllegalArgumentException("order: " + order + " (expected: 0.." + Mm.MAX_PAGE_ORDER + ")");
        }
        lock.lock();
        try {
            if (!inRange(pfn) || !inRange(pfn + (1L << order) - 1) || !isHead(pfn) || state(pfn) != ST_ALLOC
                    || orderOf(pfn) != order) {
                throw new IllegalStateException("__free_pages: pfn=" + pfn + " order=" + order
                        + " is not an allocated block of that order (double free?)");
            }
            freeBlock(pfn, order, false);
        } finally {
            lock.unlock();
        }
    }

    // ---- alloc_contig_range ---------------------------------------------------------------

    @Override
    public ContigRangeResult allocContigRange(long start, long end, Migratetype migratetype, boolean noWarn) {
        if (start >= end || !inRange(start) || !inRange(end - 1) || migratetype == Migratetype.ISOLATE) {
            return ContigRangeResult.failed(Errno.EINVAL);
        }
        long isoStart = Mm.alignDown(start, Mm.PAGEBLOCK_NR_PAGES);
        long isoEnd = Math.min(Mm.alignUp(end, Mm.PAGEBLOCK_NR_PAGES), Mm.alignUp(limit, Mm.PAGEBLOCK_NR_PAGES));
        lock.lock();
        try {
            ZoneArea z = zoneOf(start);
            if (z == null || z != zoneOf(end - 1) || !memory.isRam(start, end - start)) {
                return ContigRangeResult.failed(Errno.EINVAL);
            }
            for (long b = isoStart; b < isoEnd; b += Mm.PAGEBLOCK_NR_PAGES) {
                if (!setMigratetypeIsolate(b, migratetype)) {
                    for (long u = isoStart; u < b; u += Mm.PAGEBLOCK_NR_PAGES) {
                        unsetMigratetypeIsolate(u, migratetype);
                    }
                    return ContigRangeResult.failed(Errno.EBUSY);
                }
            }
        } finally {
            lock.unlock();
        }
        Errno err = null;
        long[] migrated = new long[1];
        try {
            err = migrateRange(start, end, migrated);
            if (err == null || err == Errno.EBUSY) {
                err = takeIsolated(start, end);
            }
        } finally {
            lock.lock();
            try {
                for (long b = isoStart; b < isoEnd; b += Mm.PAGEBLOCK_NR_PAGES) {
                    unsetMigratetypeIsolate(b, migratetype);
                }
            } finally {
                lock.unlock();
            }
        }
        return new ContigRangeResult(err, migrated[0], Mm.pfnPhys(migrated[0]));
    }

    /** set_migratetype_isolate() for the pageblock at {@code pfn}; false for EBUSY. */
    private boolean setMigratetypeIsolate(long pfn, Migratetype migratetype) {
        if (!inRange(pfn) || zoneOf(pfn) == null) {
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
        for (long p = start; p < start + Mm.PAGEBLOCK_NR_PAGES && p < limit; ) {
            if (isFreeHead(p)) {
                p += 1L << orderOf(p);
                continue;
            }
            int st = state(p);
            if (st != ST_MOVABLE && st != ST_FREE && memory.isRam(p, 1)) {
                return true;
            }
            p++;
        }
        return false;
    }

    /** find_large_buddy(): the start of a free block that contains {@code start}, else start. */
    private long findLargeBuddy(long start) {
        int order = 0;
        long pfn = start;
        while (!isFreeHead(pfn)) {
            if (++order > Mm.MAX_PAGE_ORDER) {
                return start;
            }
            pfn &= -1L << order;
        }
        if (pfn + (1L << orderOf(pfn)) > start) {
            return pfn;
        }
        return start;
    }

    /** move_freepages_block_isolate(): splits a free block straddling the pageblock first. */
    private boolean moveFreepagesBlockIsolate(long pfn, Migratetype to) {
        ZoneArea z = zoneOf(pfn);
        long start = Mm.alignDown(pfn, Mm.PAGEBLOCK_NR_PAGES);
        if (z == null || !z.zone.contains(start) || !z.zone.contains(start + Mm.PAGEBLOCK_NR_PAGES - 1)) {
            return false;
        }
        // A free block larger than a pageblock, holding this one as its tail or its head.
        long h = findLargeBuddy(start);
        if (h != start || (isFreeHead(start) && orderOf(start) > Mm.PAGEBLOCK_ORDER)) {
            int order = orderOf(h);
            Migratetype hmt = pageblocks.get(h);
            delFromFreeList(h, order, hmt);
            account(z, -(1L << order), hmt);
            pageblocks.set(start, to);
            freeBlock(h, order, false);
            return true;
        }
        moveFreepagesBlock(start, pageblocks.get(start), to);
        return true;
    }

    /** unset_migratetype_isolate(): back to {@code mt}, remerging with a free buddy. */
    private void unsetMigratetypeIsolate(long pfn, Migratetype mt) {
        if (!inRange(pfn) || zoneOf(pfn) == null || pageblocks.get(pfn) != Migratetype.ISOLATE) {
            return;
        }
        long start = Mm.alignDown(pfn, Mm.PAGEBLOCK_NR_PAGES);
        if (isFreeHead(start)) {
            int order = orderOf(start);
            if (order >= Mm.PAGEBLOCK_ORDER && order < Mm.MAX_PAGE_ORDER) {
                long buddy = start ^ (1L << order);
                if (isBuddy(buddy, order, zoneOf(start)) && pageblocks.get(buddy) != Migratetype.ISOLATE) {
                    // __isolate_page() then __putback_isolated_page(): freeing again merges.
                    delFromFreeList(start, order, Migratetype.ISOLATE);
                    pageblocks.set(start, mt);
                    markBlock(start, order, ST_FREE);
                    freeOnePage(start, order, mt, false);
                    return;
                }
            }
        }
        moveFreepagesBlockIsolate(start, mt);
    }

    /** __alloc_contig_migrate_range(): null, EBUSY, ENOMEM. */
    private Errno migrateRange(long start, long end, long[] migrated) {
        long pfn = start;
        int tries = 0;
        List<Long> list = new ArrayList<>();
        Errno ret = null;
        while (pfn < end || !list.isEmpty()) {
            if (list.isEmpty()) {
                pfn = isolateMigratepagesRange(pfn, end, list);
                tries = 0;
            } else if (++tries == CONTIG_MIGRATE_TRIES) {
                ret = Errno.EBUSY;
                break;
            }
            Errno r = migratePages(list, Gfp.MOVABLE, migrated);
            if (r == Errno.ENOMEM) {
                ret = r;
                break;
            }
        }
        return ret;
    }

    /** isolate_migratepages_range(): up to COMPACT_CLUSTER_MAX movable pages; returns where it stopped. */
    private long isolateMigratepagesRange(long pfn, long end, List<Long> list) {
        lock.lock();
        try {
            while (pfn < end && list.size() < COMPACT_CLUSTER_MAX) {
                if (isFreeHead(pfn)) {
                    pfn += 1L << orderOf(pfn);
                    continue;
                }
                if (state(pfn) == ST_MOVABLE) {
                    list.add(pfn);
                }
                pfn++;
            }
            return pfn;
        } finally {
            lock.unlock();
        }
    }

    /**
     * migrate_pages(): up to NR_MAX_MIGRATE_PAGES_RETRY passes; migrated or vanished pages leave
     * the list, pinned ones stay (EAGAIN). ENOMEM when no target page can be had.
     */
    private Errno migratePages(List<Long> list, int targetGfp, long[] migrated) {
        for (int pass = 0; pass < NR_MAX_MIGRATE_PAGES_RETRY && !list.isEmpty(); pass++) {
            lock.lock();
            try {
                for (int i = 0; i < list.size(); ) {
                    long pfn = list.get(i);
                    if (state(pfn) != ST_MOVABLE) {
                        list.remove(i); // freed by its owner meanwhile
                        continue;
                    }
                    Region r = regions.get(next[idx(pfn)]);
                    if (r.pins > 0) {
                        i++;
                        continue;
                    }
                    if (!migrateOne(pfn, targetGfp)) {
                        return Errno.ENOMEM;
                    }
                    migrated[0]++;
                    list.remove(i);
                }
            } finally {
                lock.unlock();
            }
        }
        return null;
    }

    /** Moves one movable page: alloc_migration_target(), copy, repoint the handle, free the old page. */
    private boolean migrateOne(long src, int targetGfp) {
        // alloc_migration_target() with mtc.nid = the node of the range being cleared
        ZoneArea home = zoneOf(src);
        long dst = getPageFromFreelist(0, targetGfp, home == null ? localNid : home.zone.nid());
        if (dst < 0) {
            return false;
        }
        memory.copyPages(src, dst, 1);
        int si = idx(src);
        int di = idx(dst);
        int rid = next[si];
        int index = prev[si];
        markBlock(dst, 0, ST_MOVABLE);
        next[di] = rid;
        prev[di] = index;
        regions.get(rid).pfns[index] = dst;
        freeBlock(src, 0, false);
        return true;
    }

    /** test_pages_isolated() then isolate_freepages_range() and the overshoot freed back. */
    private Errno takeIsolated(long start, long end) {
        lock.lock();
        try {
            long outerStart = findLargeBuddy(start);
            for (long p = outerStart; p < end; ) {
                if (pageblocks.get(p) != Migratetype.ISOLATE || !isFreeHead(p)) {
                    return Errno.EBUSY;
                }
                p += 1L << orderOf(p);
            }
            long p = outerStart;
            while (p < end) {
                int o = orderOf(p);
                delFromFreeList(p, o, Migratetype.ISOLATE);
                // Split into order-0 pages, as free_contig_range() frees them one by one.
                for (long q = p; q < p + (1L << o); q++) {
                    setFlags(q, ST_CONTIG, true, 0);
                }
                p += 1L << o;
            }
            long outerEnd = p;
            freeAsBlocks(outerStart, start);
            freeAsBlocks(end, outerEnd);
            return null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void freeContigRange(long pfn, long count) {
        lock.lock();
        try {
            checkRange(pfn, count);
            for (long p = pfn; p < pfn + count; p++) {
                if (state(p) != ST_CONTIG) {
                    throw new IllegalStateException("free_contig_range: pfn=" + p + " is not allocated (double free?)");
                }
            }
            freeAsBlocks(pfn, pfn + count);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Frees [start, end) as the largest aligned blocks that fit, which leaves the same free
     * blocks as free_contig_range()'s page-by-page __free_page() (each page merges with its free
     * buddies up to the same maximal blocks) at a fraction of the cost: 1 KiB of overshoot is a
     * handful of blocks, not a thousand merges.
     */
    private void freeAsBlocks(long start, long end) {
        while (start < end) {
            int o = Math.min(Long.numberOfTrailingZeros(start), 63 - Long.numberOfLeadingZeros(end - start));
            o = Math.min(o, Mm.MAX_PAGE_ORDER);
            freeBlock(start, o, false);
            start += 1L << o;
        }
    }

    // ---- counters and snapshots -------------------------------------------------------------

    @Override
    public long managedPages() {
        lock.lock();
        try {
            long n = 0;
            for (ZoneArea z : zones) {
                n += z.managed;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long freePages() {
        lock.lock();
        try {
            long n = 0;
            for (ZoneArea z : zones) {
                n += z.free;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long freeCmaPages() {
        lock.lock();
        try {
            long n = 0;
            for (ZoneArea z : zones) {
                n += z.freeCma;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public PageState[] pageStates(long pfn, int count) {
        lock.lock();
        try {
            checkRange(pfn, count);
            PageState[] out = new PageState[count];
            for (int i = 0; i < count; i++) {
                out[i] = stateOf(pfn + i);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    private PageState stateOf(long pfn) {
        return switch (state(pfn)) {
            case ST_FREE -> PageState.FREE;
            case ST_ALLOC -> PageState.ALLOCATED;
            case ST_CONTIG -> PageState.CONTIG;
            case ST_MOVABLE -> regions.get(next[idx(pfn)]).pins > 0 ? PageState.PINNED : PageState.MOVABLE;
            default -> PageState.RESERVED;
        };
    }

    @Override
    public List<ZoneFreeArea> freeAreas() {
        lock.lock();
        try {
            List<ZoneFreeArea> out = new ArrayList<>();
            for (ZoneArea z : zones) {
                if (z.present == 0) {
                    continue;
                }
                long[][] blocks = new long[NMT][NR_ORDERS];
                for (int m = 0; m < NMT; m++) {
                    for (int o = 0; o < NR_ORDERS; o++) {
                        blocks[m][o] = z.nrFree[o * NMT + m];
                    }
                }
                long[] pb = new long[NMT];
                for (long p = z.zone.startPfn(); p < z.zone.endPfn(); p += Mm.PAGEBLOCK_NR_PAGES) {
                    if (memory.isRam(p, 1) && zoneOf(p) == z) {
                        pb[pageblocks.get(p).ordinal()]++;
                    }
                }
                out.add(new ZoneFreeArea(z.zone, blocks, pb));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Checks every invariant and returns the first violation, or null: each managed page in
     * exactly one state, every free block on the list of its pageblock's type and marked so
     * page by page, list counts equal to nr_free, NR_FREE_PAGES and NR_FREE_CMA_PAGES equal to
     * what the lists hold, every movable page owned by the region whose handle points at it.
     */
    String checkInvariants() {
        lock.lock();
        try {
            byte[] seen = new byte[flags.length];
            for (ZoneArea z : zones) {
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
                            if (!isFreeHead(pfn) || orderOf(pfn) != o) {
                                return "list " + m + "/" + o + ": pfn " + pfn + " is not a free head of that order";
                            }
                            if (zoneOf(pfn) != z) {
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
                                if (seen[idx(p)]++ != 0) {
                                    return "pfn " + p + " in two free blocks";
                                }
                                if (state(p) != ST_FREE || (p != pfn && isHead(p))) {
                                    return "pfn " + p + " inside free block " + pfn + "/" + o + " has state "
                                            + state(p);
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
                int st = (flags[i] >> 4) & 7;
                long pfn = base + i;
                if (st == ST_FREE && seen[i] == 0) {
                    return "pfn " + pfn + " marked free but on no list";
                }
                if (st == ST_MOVABLE) {
                    int rid = next[i];
                    if (rid < 0 || rid >= regions.size() || regions.get(rid) == null) {
                        return "movable pfn " + pfn + " has no region";
                    }
                    Region r = regions.get(rid);
                    if (r.freed || r.pfns[prev[i]] != pfn) {
                        return "movable pfn " + pfn + " not the handle of region " + rid + " page " + prev[i];
                    }
                }
                if (st > ST_MOVABLE) {
                    return "pfn " + pfn + " has an unknown state " + st;
                }
            }
            for (Region r : regions) {
                if (r == null || r.freed) {
                    continue;
                }
                for (int j = 0; j < r.pfns.length; j++) {
                    long p = r.pfns[j];
                    if (state(p) != ST_MOVABLE || next[idx(p)] != r.id || prev[idx(p)] != j) {
                        return "region " + r.id + " page " + j + " points at pfn " + p + " that it does not own";
                    }
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Free blocks of {@code order} on the {@code mt} list of every zone, head first (for tests). */
    List<Long> freeList(Zone zone, int order, Migratetype mt) {
        lock.lock();
        try {
            List<Long> out = new ArrayList<>();
            for (ZoneArea z : zones) {
                if (z.zone.equals(zone)) {
                    for (int i = z.head[order * NMT + mt.ordinal()]; i != NIL; i = next[i]) {
                        out.add(base + i);
                    }
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    // ---- movable regions --------------------------------------------------------------------

    @Override
    public Optional<MovableRegion> allocMovable(long pages) {
        if (pages <= 0 || pages > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("pages: " + pages + " (expected: 1.." + (Integer.MAX_VALUE - 8) + ")");
        }
        long[] pfns = new long[(int) pages];
        Region r;
        lock.lock();
        try {
            for (int i = 0; i < pfns.length; i++) {
                long pfn = getPageFromFreelist(0, Gfp.MOVABLE);
                if (pfn < 0) {
                    for (int j = 0; j < i; j++) {
                        freeBlock(pfns[j], 0, false);
                    }
                    return Optional.empty();
                }
                pfns[i] = pfn;
            }
            int id = freeRegionIds.isEmpty() ? regions.size() : freeRegionIds.pop();
            r = new Region(this, id, pfns);
            if (id == regions.size()) {
                regions.add(r);
            } else {
                regions.set(id, r);
            }
            for (int i = 0; i < pfns.length; i++) {
                markBlock(pfns[i], 0, ST_MOVABLE);
                next[idx(pfns[i])] = id;
                prev[idx(pfns[i])] = i;
            }
            // Anonymous memory reads as zero; no one can migrate a page we hold the lock over.
            for (long pfn : pfns) {
                memory.segment(pfn, 1).fill((byte) 0);
            }
        } finally {
            lock.unlock();
        }
        return Optional.of(r);
    }

    /** A movable region: the handle->pfn table that migration rewrites under the zone lock. */
    static final class Region implements MovableRegion {
        private final BuddyAllocator a;
        final int id;
        final long[] pfns;
        int pins;
        boolean freed;

        Region(BuddyAllocator a, int id, long[] pfns) {
            this.a = a;
            this.id = id;
            this.pfns = pfns;
        }

        @Override
        public long pages() {
            return pfns.length;
        }

        private void checkLive() {
            if (freed) {
                throw new IllegalStateException("movable region " + id + " was freed");
            }
        }

        @Override
        public long pfn(long index) {
            a.lock.lock();
            try {
                checkLive();
                if (index < 0 || index >= pfns.length) {
                    throw new IndexOutOfBoundsException("index: " + index + " (expected: 0.." + (pfns.length - 1) + ")");
                }
                return pfns[(int) index];
            } finally {
                a.lock.unlock();
            }
        }

        private void checkBytes(long offset, long length) {
            if (offset < 0 || length < 0 || offset + length > byteSize()) {
                throw new IndexOutOfBoundsException("offset: " + offset + " length: " + length
                        + " (expected: within " + byteSize() + " bytes)");
            }
        }

        @Override
        public void read(long offset, byte[] dst, int dstOffset, int length) {
            java.util.Objects.checkFromIndexSize(dstOffset, length, dst.length);
            copy(offset, dst, dstOffset, length, false);
        }

        @Override
        public void write(long offset, byte[] src, int srcOffset, int length) {
            java.util.Objects.checkFromIndexSize(srcOffset, length, src.length);
            copy(offset, src, srcOffset, length, true);
        }

        private void copy(long offset, byte[] arr, int arrOffset, int length, boolean toRegion) {
            a.lock.lock();
            try {
                checkLive();
                checkBytes(offset, length);
                int done = 0;
                while (done < length) {
                    long off = offset + done;
                    int page = (int) (off >>> Mm.PAGE_SHIFT);
                    int inPage = (int) (off & (Mm.PAGE_SIZE - 1));
                    int n = (int) Math.min(length - done, Mm.PAGE_SIZE - inPage);
                    MemorySegment seg = a.memory.segment(pfns[page], 1);
                    if (toRegion) {
                        MemorySegment.copy(arr, arrOffset + done, seg, ValueLayout.JAVA_BYTE, inPage, n);
                    } else {
                        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, inPage, arr, arrOffset + done, n);
                    }
                    done += n;
                }
            } finally {
                a.lock.unlock();
            }
        }

        @Override
        public void putLong(long offset, long value) {
            byte[] b = new byte[Long.BYTES];
            for (int i = 0; i < Long.BYTES; i++) {
                b[i] = (byte) (value >>> (8 * i));
            }
            write(offset, b, 0, b.length);
        }

        @Override
        public long getLong(long offset) {
            byte[] b = new byte[Long.BYTES];
            read(offset, b, 0, b.length);
            long v = 0;
            for (int i = Long.BYTES - 1; i >= 0; i--) {
                v = (v << 8) | (b[i] & 0xff);
            }
            return v;
        }

        @Override
        public long checksum() {
            a.lock.lock();
            try {
                checkLive();
                CRC32C crc = new CRC32C();
                for (long pfn : pfns) {
                    crc.update(a.memory.segment(pfn, 1).asByteBuffer());
                }
                return crc.getValue();
            } finally {
                a.lock.unlock();
            }
        }

        @Override
        public void pin() {
            a.lock.lock();
            try {
                checkLive();
                pins++;
            } finally {
                a.lock.unlock();
            }
        }

        @Override
        public void pinLongterm() {
            a.lock.lock();
            try {
                checkLive();
                for (int i = 0; i < pfns.length; i++) {
                    Migratetype mt = a.pageblocks.get(pfns[i]);
                    if (mt != Migratetype.CMA && mt != Migratetype.ISOLATE) {
                        continue;
                    }
                    if (pins > 0) {
                        throw new ErrnoException(Errno.ENOMEM, "pin_user_pages(FOLL_LONGTERM): region " + id
                                + " page " + i + " at pfn " + pfns[i] + " is in " + mt.kernelName()
                                + " and already pinned: cannot migrate it");
                    }
                    long from = pfns[i];
                    if (!a.migrateOne(from, Gfp.KERNEL)) {
                        throw new ErrnoException(Errno.ENOMEM, "pin_user_pages(FOLL_LONGTERM): region " + id
                                + " page " + i + " at pfn " + from + ": no memory outside CMA to migrate it to");
                    }
                }
                pins++;
            } finally {
                a.lock.unlock();
            }
        }

        @Override
        public void unpin() {
            a.lock.lock();
            try {
                checkLive();
                if (pins == 0) {
                    throw new IllegalStateException("unpin_user_pages: region " + id + " is not pinned");
                }
                pins--;
            } finally {
                a.lock.unlock();
            }
        }

        @Override
        public boolean pinned() {
            a.lock.lock();
            try {
                return pins > 0;
            } finally {
                a.lock.unlock();
            }
        }

        @Override
        public void free() {
            a.lock.lock();
            try {
                checkLive();
                if (pins > 0) {
                    throw new IllegalStateException("free: movable region " + id + " is pinned (" + pins + " pins)");
                }
                for (long pfn : pfns) {
                    a.freeBlock(pfn, 0, false);
                }
                freed = true;
                a.regions.set(id, null);
                a.freeRegionIds.push(id);
            } finally {
                a.lock.unlock();
            }
        }

        @Override
        public boolean freed() {
            a.lock.lock();
            try {
                return freed;
            } finally {
                a.lock.unlock();
            }
        }

        @Override
        public String toString() {
            return "MovableRegion[id=" + id + ", pages=" + pfns.length + ", pins=" + pins + ", freed=" + freed + "]";
        }
    }
}

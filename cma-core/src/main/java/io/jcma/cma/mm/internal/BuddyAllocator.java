package io.jcma.cma.mm.internal;

import io.jcma.cma.mm.ContigRangeResult;
import io.jcma.cma.mm.Gfp;
import io.jcma.cma.mm.Memblock;
import io.jcma.cma.mm.MigratingPageAllocator;
import io.jcma.cma.mm.Migratetype;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.MovableRegion;
import io.jcma.cma.mm.PageState;
import io.jcma.cma.mm.Pageblocks;
import io.jcma.cma.mm.PhysicalMemory;
import io.jcma.cma.mm.Zone;
import io.jcma.cma.mm.ZoneFreeArea;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.jcma.cma.mm.internal.FreeArea.NMT;
import static io.jcma.cma.mm.internal.FreeArea.NR_ORDERS;
import static io.jcma.cma.mm.internal.PageFlags.ST_ALLOC;
import static io.jcma.cma.mm.internal.PageFlags.ST_CONTIG;
import static io.jcma.cma.mm.internal.PageFlags.ST_FREE;
import static io.jcma.cma.mm.internal.PageFlags.ST_MOVABLE;
import static io.jcma.cma.mm.internal.PageFlags.ST_RESERVED;

/**
 * Mirrors the entry points of mm/page_alloc.c (alloc_pages(), __free_pages(),
 * alloc_contig_range(), free_contig_range(), init_cma_reserved_pageblock(),
 * free_reserved_page(), the NR_FREE_* counters) and mm/memblock.c's memblock_free_all(): the
 * buddy allocator with the pageblock migratetypes that let CMA lend its pages to movable
 * allocations and take them back by migration. Each entry point checks its arguments, takes the
 * zone lock and calls the part of mm/ that does the work:
 *
 * <pre>
 *   BuddyAllocator (page_alloc.c entry points)
 *     |-- FreeLists      free lists, page arrays, page_zone()    (page_alloc.c, struct page)
 *     |     |-- PageFlags   the per-page byte                    (page-flags.h)
 *     |     '-- FreeArea    a zone's free_area[] and counters    (mmzone.h)
 *     |-- Buddy          expand, __rmqueue, fallbacks, free      (page_alloc.c)
 *     |-- ContigRange    alloc_contig_range, free_contig_range   (page_alloc.c)
 *     |     |-- PageIsolation  MIGRATE_ISOLATE pageblocks        (page_isolation.c)
 *     |     |-- Compaction     isolate_migratepages/freepages    (compaction.c)
 *     |     '-- Migrate        migrate_pages                     (migrate.c)
 *     '-- MovableRegions movable user pages and their pins       (gup.c)
 * </pre>
 *
 * <p>Not modelled: watermarks, lowmem_reserve, reclaim, compaction's scanners, kswapd, per-cpu
 * page lists, highatomic reserves (the HighAtomic lists stay empty), page reporting and
 * shuffling. An allocation succeeds whenever a free block fits; none is refused to protect a
 * reserve. No allocation-failure report (warn_alloc) is logged; __GFP_NOWARN is accepted.
 *
 * <p>Thread-safe: one lock (the kernel's zone->lock, here shared by all zones) guards the lists,
 * the page arrays and the movable regions' handle tables. alloc_contig_range() takes it per
 * step, so other allocations go on while it migrates.
 */
public final class BuddyAllocator implements MigratingPageAllocator {
    private final FreeLists fl;
    private final Buddy buddy;
    private final MovableRegions regions;
    private final ContigRange contig;

    /** See {@link io.jcma.cma.mm.PageAllocator#buddy}. */
    public BuddyAllocator(PhysicalMemory memory, List<Zone> zoneList, Pageblocks pageblocks) {
        this.fl = new FreeLists(memory, zoneList, pageblocks);
        this.buddy = new Buddy(fl);
        this.regions = new MovableRegions(fl, buddy);
        this.contig = new ContigRange(fl, buddy, new PageIsolation(fl, buddy), new Compaction(fl), regions.migrate);
    }

    /** The free lists and page arrays, for the invariant checker of the tests. */
    FreeLists freeLists() {
        return fl;
    }

    /** The movable regions, for the invariant checker of the tests. */
    MovableRegions movableRegions() {
        return regions;
    }

    @Override
    public void freeMemblockMemory(Memblock memblock) {
        fl.lock.lock();
        try {
            for (Memblock.Region r : memblock.freeRanges(Mm.NUMA_NO_NODE)) {
                long s = Math.max(Mm.pfnUp(r.base()), fl.base);
                long e = Math.min(Mm.pfnDown(r.end()), fl.limit);
                buddy.freePagesMemory(s, e);
            }
        } finally {
            fl.lock.unlock();
        }
    }

    @Override
    public void freeReservedPages(long pfn, long count) {
        fl.lock.lock();
        try {
            fl.checkRange(pfn, count);
            for (long p = pfn; p < pfn + count; p++) {
                if (fl.state(p) != ST_RESERVED || !fl.memory.isRam(p, 1) || fl.zoneOf(p) == null) {
                    throw new IllegalStateException("free_reserved_page: pfn=" + p + " is not reserved RAM");
                }
            }
            for (long p = pfn; p < pfn + count; p++) {
                fl.zoneOf(p).managed++;
                buddy.freeBlock(p, 0, false);
            }
        } finally {
            fl.lock.unlock();
        }
    }

    @Override
    public void initCmaReservedPageblock(long pfn) {
        fl.lock.lock();
        try {
            long start = Mm.alignDown(pfn, Mm.PAGEBLOCK_NR_PAGES);
            fl.checkRange(start, Mm.PAGEBLOCK_NR_PAGES);
            if (!fl.oneZone(start, Mm.PAGEBLOCK_NR_PAGES) || !fl.allState(start, Mm.PAGEBLOCK_NR_PAGES, ST_RESERVED)) {
                throw new IllegalStateException("init_cma_reserved_pageblock: pfn=" + start
                        + " is not a reserved pageblock of RAM in one zone");
            }
            fl.pageblocks.set(start, Migratetype.CMA);
            FreeArea z = fl.zoneOf(start);
            z.managed += Mm.PAGEBLOCK_NR_PAGES;
            z.cmaPages += Mm.PAGEBLOCK_NR_PAGES;
            buddy.freeBlock(start, Mm.PAGEBLOCK_ORDER, false);
        } finally {
            fl.lock.unlock();
        }
    }

    @Override
    public long allocPages(int order, int gfp) {
        if (order < 0 || order > Mm.MAX_PAGE_ORDER) {
            throw new IllegalArgumentException("order: " + order + " (expected: 0.." + Mm.MAX_PAGE_ORDER + ")");
        }
        long pfn;
        fl.lock.lock();
        try {
            pfn = buddy.getPageFromFreelist(order, gfp);
            if (pfn >= 0) {
                fl.markBlock(pfn, order, ST_ALLOC);
            }
        } finally {
            fl.lock.unlock();
        }
        if (pfn >= 0 && (gfp & Gfp.ZERO) != 0) {
            fl.memory.zero(pfn, 1L << order);
        }
        return pfn;
    }

    @Override
    public void freePages(long pfn, int order) {
        if (order < 0 || order > Mm.MAX_PAGE_ORDER) {
            throw new IllegalArgumentException("order: " + order + " (expected: 0.." + Mm.MAX_PAGE_ORDER + ")");
        }
        fl.lock.lock();
        try {
            if (!fl.inRange(pfn) || !fl.inRange(pfn + (1L << order) - 1) || !fl.isHead(pfn) || fl.state(pfn) != ST_ALLOC
                    || fl.orderOf(pfn) != order) {
                throw new IllegalStateException("__free_pages: pfn=" + pfn + " order=" + order
                        + " is not an allocated block of that order (double free?)");
            }
            buddy.freeBlock(pfn, order, false);
        } finally {
            fl.lock.unlock();
        }
    }

    @Override
    public ContigRangeResult allocContigRange(long start, long end, Migratetype migratetype, boolean noWarn) {
        return contig.allocContigRange(start, end, migratetype);
    }

    @Override
    public void freeContigRange(long pfn, long count) {
        contig.freeContigRange(pfn, count);
    }

    @Override
    public Optional<MovableRegion> allocMovable(long pages) {
        return regions.allocMovable(pages);
    }

    @Override
    public long managedPages() {
        fl.lock.lock();
        try {
            long n = 0;
            for (FreeArea z : fl.zones) {
                n += z.managed;
            }
            return n;
        } finally {
            fl.lock.unlock();
        }
    }

    @Override
    public long freePages() {
        fl.lock.lock();
        try {
            long n = 0;
            for (FreeArea z : fl.zones) {
                n += z.free;
            }
            return n;
        } finally {
            fl.lock.unlock();
        }
    }

    @Override
    public long freeCmaPages() {
        fl.lock.lock();
        try {
            long n = 0;
            for (FreeArea z : fl.zones) {
                n += z.freeCma;
            }
            return n;
        } finally {
            fl.lock.unlock();
        }
    }

    @Override
    public PageState[] pageStates(long pfn, int count) {
        fl.lock.lock();
        try {
            fl.checkRange(pfn, count);
            PageState[] out = new PageState[count];
            for (int i = 0; i < count; i++) {
                out[i] = stateOf(pfn + i);
            }
            return out;
        } finally {
            fl.lock.unlock();
        }
    }

    private PageState stateOf(long pfn) {
        return switch (fl.state(pfn)) {
            case ST_FREE -> PageState.FREE;
            case ST_ALLOC -> PageState.ALLOCATED;
            case ST_CONTIG -> PageState.CONTIG;
            case ST_MOVABLE -> regions.ownerOf(pfn).pins > 0 ? PageState.PINNED : PageState.MOVABLE;
            default -> PageState.RESERVED;
        };
    }

    @Override
    public List<ZoneFreeArea> freeAreas() {
        fl.lock.lock();
        try {
            List<ZoneFreeArea> out = new ArrayList<>();
            for (FreeArea z : fl.zones) {
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
                    if (fl.memory.isRam(p, 1) && fl.zoneOf(p) == z) {
                        pb[fl.pageblocks.get(p).ordinal()]++;
                    }
                }
                out.add(new ZoneFreeArea(z.zone, blocks, pb));
            }
            return out;
        } finally {
            fl.lock.unlock();
        }
    }
}

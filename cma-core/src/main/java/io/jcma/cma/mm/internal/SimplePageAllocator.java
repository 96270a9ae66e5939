package io.jcma.cma.mm.internal;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.mm.ContigRangeResult;
import io.jcma.cma.mm.Gfp;
import io.jcma.cma.mm.Memblock;
import io.jcma.cma.mm.Migratetype;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.PageAllocator;
import io.jcma.cma.mm.Pageblocks;
import io.jcma.cma.mm.PhysicalMemory;
import io.jcma.cma.mm.Zone;
import io.jcma.cma.mm.ZoneType;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A page allocator with one state byte per page and first-fit search: enough for CMA areas
 * whose pages nothing else borrows. alloc_contig_range() succeeds only on free pages (EBUSY
 * otherwise) and never migrates. The buddy allocator replaces it where lending and migration
 * matter.
 */
public final class SimplePageAllocator implements PageAllocator {
    private static final byte RESERVED = 0;
    private static final byte FREE = 1;
    private static final byte ALLOCATED = 2;

    private final PhysicalMemory memory;
    private final List<Zone> zones;
    private final Pageblocks pageblocks;
    private final long base;
    private final byte[] state;
    private final ReentrantLock lock = new ReentrantLock();
    private long managed;
    private long free;
    private long freeCma;

    /** See {@link PageAllocator#simple}. */
    public SimplePageAllocator(PhysicalMemory memory, List<Zone> zones, Pageblocks pageblocks) {
        this.memory = memory;
        this.zones = zones;
        this.pageblocks = pageblocks;
        this.base = memory.startPfn();
        long span = memory.endPfn() - base;
        if (span > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("pfn span: " + span + " (expected: < 2^31 pages)");
        }
        this.state = new byte[(int) span];
    }

    private int idx(long pfn) {
        return (int) (pfn - base);
    }

    private boolean isCma(long pfn) {
        return pageblocks.get(pfn) == Migratetype.CMA;
    }

    private void setFree(long pfn) {
        state[idx(pfn)] = FREE;
        free++;
        if (isCma(pfn)) {
            freeCma++;
        }
    }

    private void setAllocated(long pfn) {
        state[idx(pfn)] = ALLOCATED;
        free--;
        if (isCma(pfn)) {
            freeCma--;
        }
    }

    @Override
    public void freeMemblockMemory(Memblock memblock) {
        lock.lock();
        try {
            for (Memblock.Region r : memblock.freeRanges(Mm.NUMA_NO_NODE)) {
                long s = Mm.pfnUp(r.base());
                long e = Mm.pfnDown(r.end());
                for (long pfn = s; pfn < e; pfn++) {
                    if (memory.bankOf(pfn) != null && state[idx(pfn)] == RESERVED) {
                        managed++;
                        setFree(pfn);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void freeReservedPages(long pfn, long count) {
        lock.lock();
        try {
            for (long p = pfn; p < pfn + count; p++) {
                if (state[idx(p)] != RESERVED) {
                    throw new IllegalStateException("free_reserved_page: pfn=" + p + " is not reserved");
                }
                managed++;
                setFree(p);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void initCmaReservedPageblock(long pfn) {
        lock.lock();
        try {
            pageblocks.set(pfn, Migratetype.CMA);
            long start = Mm.alignDown(pfn, Mm.PAGEBLOCK_NR_PAGES);
            for (long p = start; p < start + Mm.PAGEBLOCK_NR_PAGES; p++) {
                if (state[idx(p)] != RESERVED) {
                    throw new IllegalStateException("init_cma_reserved_pageblock: pfn=" + p + " is not reserved");
                }
                managed++;
                setFree(p);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ContigRangeResult allocContigRange(long start, long end, Migratetype migratetype, boolean noWarn) {
        if (start < base || end > base + state.length || start >= end) {
            return ContigRangeResult.failed(Errno.EINVAL);
        }
        lock.lock();
        try {
            for (long p = start; p < end; p++) {
                if (state[idx(p)] != FREE) {
                    return ContigRangeResult.failed(Errno.EBUSY);
                }
            }
            for (long p = start; p < end; p++) {
                setAllocated(p);
            }
            return ContigRangeResult.OK;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void freeContigRange(long pfn, long count) {
        lock.lock();
        try {
            for (long p = pfn; p < pfn + count; p++) {
                if (state[idx(p)] != ALLOCATED) {
                    throw new IllegalStateException("free_contig_range: pfn=" + p + " is not allocated (double free?)");
                }
            }
            for (long p = pfn; p < pfn + count; p++) {
                setFree(p);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long allocPages(int order, int gfp) {
        if (order < 0 || order > Mm.MAX_PAGE_ORDER) {
            throw new IllegalArgumentException("order: " + order + " (expected: 0.." + Mm.MAX_PAGE_ORDER + ")");
        }
        ZoneType highest = Gfp.highestZone(gfp);
        boolean movable = (gfp & Gfp.MOVABLE) != 0;
        long n = 1L << order;
        lock.lock();
        try {
            for (int t = highest.ordinal(); t >= 0; t--) {
                for (Zone z : zones) {
                    if (z.type().ordinal() != t) {
                        continue;
                    }
                    for (long p = Mm.alignUp(z.startPfn(), n); p + n <= z.endPfn(); p += n) {
                        if (fits(p, n, movable)) {
                            for (long q = p; q < p + n; q++) {
                                setAllocated(q);
                            }
                            return p;
                        }
                    }
                }
            }
            return -1;
        } finally {
            lock.unlock();
        }
    }

    private boolean fits(long p, long n, boolean movable) {
        for (long q = p; q < p + n; q++) {
            if (state[idx(q)] != FREE) {
                return false;
            }
            Migratetype mt = pageblocks.get(q);
            if (mt == Migratetype.ISOLATE || (mt == Migratetype.CMA && !movable)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void freePages(long pfn, int order) {
        freeContigRange(pfn, 1L << order);
    }

    @Override
    public long managedPages() {
        lock.lock();
        try {
            return managed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long freePages() {
        lock.lock();
        try {
            return free;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long freeCmaPages() {
        lock.lock();
        try {
            return freeCma;
        } finally {
            lock.unlock();
        }
    }
}

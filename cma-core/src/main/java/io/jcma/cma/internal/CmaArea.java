package io.jcma.cma.internal;

import io.jcma.cma.Cma;
import io.jcma.cma.CmaAllocCost;
import io.jcma.cma.CmaAllocation;
import io.jcma.cma.CmaBitmap;
import io.jcma.cma.CmaMetrics;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.mm.ContigRangeResult;
import io.jcma.cma.mm.Migratetype;
import io.jcma.cma.mm.Mm;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Mirrors struct cma of mm/cma.c with cma_alloc() and cma_release(): the allocator over one
 * area's bitmap. Created by {@link CmaAreasImpl}; the contract is {@link Cma}.
 *
 * <h2>Notation</h2>
 * <pre>
 *   base_pfn       first page of the area        count          pages in the area
 *   order_per_bit  one bit = 2^opb pages         maxno          count &gt;&gt; opb, bits in the bitmap
 *   bitmap_no      index of a bit                bitmap_count   bits a request needs
 * </pre>
 *
 * <h2>The bitmap (order_per_bit = 1: one bit = 2 pages)</h2>
 * <pre>
 *   bit:    0   1   2   3   4   5   6   7   ...  maxno-1
 *         +---+---+---+---+---+---+---+---+-----+---+
 *         | 1 | 1 | 0 | 0 | 0 | 1 | 0 | 0 | ... | 0 |   1 = allocated (or being allocated)
 *         +---+---+---+---+---+---+---+---+-----+---+
 *   pfn:  base  +2  +4  +6  +8 +10 +12 +14
 * </pre>
 *
 * <h2>cma_alloc(count, align)</h2>
 * <ol>
 *   <li>mask = align &lt;= opb ? 0 : 2^(align - opb) - 1; offset = (base_pfn mod 2^align) &gt;&gt; opb,
 *       so that bit b is a good start when (b + offset) &amp; mask == 0
 *       (cma_bitmap_aligned_mask / cma_bitmap_aligned_offset).</li>
 *   <li>bitmap_count = ceil(count / 2^opb) (cma_bitmap_pages_to_bits).</li>
 *   <li>Under the area lock, find the first run of bitmap_count clear bits at or after start
 *       that is so aligned (bitmap_find_next_zero_area_off); none: stop, ENOMEM.</li>
 *   <li>Set those bits and drop the lock: the range is ours while the page allocator is asked.</li>
 *   <li>Under the machine-wide cma_mutex, alloc_contig_range(pfn, pfn + count). Success: done.</li>
 *   <li>Failure: clear the bits (cma_clear_bitmap). EBUSY: count a busy retry and go to 3 with
 *       start = bitmap_no + mask + 1. Any other error: stop.</li>
 *   <li>Count success or failure (vmstat, sysfs); on failure without no_warn log
 *       "alloc failed" and the free extents.</li>
 * </ol>
 * The cma_alloc_start event fires for every request; one the kernel turns away before step 3
 * (an inactive area, a count of 0, more bits than the bitmap has) ends there, without a finish
 * event and uncounted, as 6.9 and later leave it.
 */
public final class CmaArea implements Cma {
    private final CmaAreasImpl registry;
    private final String name;
    private final long basePfn;
    private final int orderPerBit;
    private final int nid;
    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<Long, CmaAllocation> live = new TreeMap<>();

    private volatile long count;
    private volatile Bitmap bitmap;
    private long availableCount;
    private volatile boolean reservePagesOnError;

    private final LongAdder allocPagesSuccess = new LongAdder();
    private final LongAdder allocPagesFail = new LongAdder();
    private final LongAdder releasePagesSuccess = new LongAdder();
    private final LongAdder allocSuccess = new LongAdder();
    private final LongAdder allocFail = new LongAdder();
    private final LongAdder busyRetries = new LongAdder();
    private final LongAdder pagesMigrated = new LongAdder();
    private final LongAdder bytesCopied = new LongAdder();
    private final LongAdder allocNanos = new LongAdder();

    CmaArea(CmaAreasImpl registry, String name, long basePfn, long count, int orderPerBit, int nid) {
        this.registry = registry;
        this.name = name;
        this.basePfn = basePfn;
        this.count = count;
        this.orderPerBit = orderPerBit;
        this.nid = nid;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long basePfn() {
        return basePfn;
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public long availableCount() {
        lock.lock();
        try {
            return bitmap == null ? 0 : availableCount;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int orderPerBit() {
        return orderPerBit;
    }

    @Override
    public int nid() {
        return nid;
    }

    @Override
    public boolean active() {
        return bitmap != null && count != 0;
    }

    CmaAreasImpl registry() {
        return registry;
    }

    boolean reservePagesOnError() {
        return reservePagesOnError;
    }

    void setReservePagesOnError() {
        reservePagesOnError = true;
    }

    /** Activation succeeded: an empty bitmap, every page available. */
    void activated() {
        lock.lock();
        try {
            bitmap = new Bitmap(bitmapMaxno());
            availableCount = count;
        } finally {
            lock.unlock();
        }
    }

    /** Activation failed: count becomes 0, as cma_activate_area() leaves it. */
    void deactivated() {
        lock.lock();
        try {
            bitmap = null;
            count = 0;
            availableCount = 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<CmaAllocation> alloc(long reqCount, int align, boolean noWarn, String owner) {
        if (reqCount < 0) {
            throw new IllegalArgumentException("count: " + reqCount + " (expected: >= 0)");
        }
        if (align < 0 || align > 63) {
            throw new IllegalArgumentException("align: " + align + " (expected: 0..63)");
        }
        registry.enterAlloc();
        long t0 = System.nanoTime();
        CmaAllocation result;
        try {
            CmaEvents.AllocStart start = new CmaEvents.AllocStart();
            if (start.shouldCommit()) {
                start.name = name;
                start.count = reqCount;
                start.size = Mm.pfnPhys(reqCount);
                start.align = align;
                start.commit();
            }
            // Requests the kernel turns away before its search (an inactive area, no pages, more
            // than the area) are neither successes nor failures: not counted since 6.9.
            long bits = bitmapPagesToBits(reqCount);
            if (!active() || reqCount == 0 || bits > bitmapMaxno() || bits < 0) {
                return Optional.empty();
            }
            result = search(reqCount, align, noWarn, owner, t0);
        } finally {
            registry.leaveAlloc();
        }
        if (result != null) {
            registry.vmCmaAllocSuccess.increment();
            allocPagesSuccess.add(reqCount);
            allocSuccess.increment();
        } else {
            registry.vmCmaAllocFail.increment();
            allocPagesFail.add(reqCount);
            allocFail.increment();
        }
        allocNanos.add(System.nanoTime() - t0);
        return Optional.ofNullable(result);
    }

    private CmaAllocation search(long reqCount, int align, boolean noWarn, String owner, long t0) {
        CmaEvents.AllocFinish finish = new CmaEvents.AllocFinish();
        finish.begin();

        long mask = bitmapAlignedMask(align);
        long offset = bitmapAlignedOffset(align);
        long maxno = bitmapMaxno();
        long bitmapCount = bitmapPagesToBits(reqCount);
        long startBit = 0;
        long pfn = -1;
        long retries = 0;
        long migrated = 0;
        long copied = 0;
        int ret = Errno.ENOMEM.ret();
        boolean ok = false;
        while (true) {
            long bitmapNo;
            lock.lock();
            try {
                Bitmap bm = bitmap;
                bitmapNo = bm.findNextZeroAreaOff(maxno, startBit, bitmapCount, mask, offset);
                if (bitmapNo < 0 || bitmapNo >= maxno) {
                    break;
                }
                bm.set(bitmapNo, bitmapCount);
                availableCount -= reqCount;
            } finally {
                lock.unlock();
            }
            pfn = basePfn + (bitmapNo << orderPerBit);
            ContigRangeResult r;
            registry.cmaMutex.lock();
            try {
                r = registry.pageAllocator().allocContigRange(pfn, pfn + reqCount, Migratetype.CMA, noWarn);
            } finally {
                registry.cmaMutex.unlock();
            }
            migrated += r.pagesMigrated();
            copied += r.bytesCopied();
            ret = r.ret();
            if (r instanceof ContigRangeResult.Taken) {
                ok = true;
                break;
            }
            clearBitmap(pfn, reqCount);
            if (!(r instanceof ContigRangeResult.Failed f && f.error() == Errno.EBUSY)) {
                break;
            }
            retries++;
            registry.log().debug("cma: __cma_alloc(): memory range at pfn 0x" + Long.toHexString(pfn)
                    + " is busy, retrying");
            CmaEvents.AllocBusyRetry busy = new CmaEvents.AllocBusyRetry();
            if (busy.shouldCommit()) {
                busy.name = name;
                busy.pfn = pfn;
                busy.address = Mm.pfnPhys(pfn);
                busy.count = reqCount;
                busy.size = Mm.pfnPhys(reqCount);
                busy.align = align;
                busy.commit();
            }
            startBit = bitmapNo + mask + 1;
            if (startBit < 0) {
                startBit = maxno; // the kernel's unsigned arithmetic runs past the end here
            }
        }
        busyRetries.add(retries);
        pagesMigrated.add(migrated);
        bytesCopied.add(copied);
        long nanos = System.nanoTime() - t0;
        CmaAllocCost cost = new CmaAllocCost(retries, migrated, copied, nanos);
        finish.end();
        if (finish.shouldCommit()) {
            finish.name = name;
            finish.pfn = ok ? pfn : -1;
            finish.address = ok ? Mm.pfnPhys(pfn) : -1;
            finish.count = reqCount;
            finish.size = Mm.pfnPhys(reqCount);
            finish.align = align;
            finish.errorCode = ret;
            finish.retries = retries;
            finish.pagesMigrated = migrated;
            finish.bytesCopied = copied;
            finish.owner = owner;
            finish.commit();
        }
        if (!ok) {
            if (!noWarn) {
                registry.log().errRatelimited("__cma_alloc", "cma: __cma_alloc: " + name + ": alloc failed, req-size: "
                        + reqCount + " pages, ret: " + ret);
                // cma_debug_show_areas() is called whether or not the line above was suppressed.
                registry.log().info("cma: number of available pages: " + freeExtents());
            }
            return null;
        }
        CmaAllocation a = new CmaAllocation(this, pfn, reqCount, align, owner == null ? "-" : owner,
                registry.callSite(), t0, cost);
        lock.lock();
        try {
            live.put(pfn, a);
        } finally {
            lock.unlock();
        }
        return a;
    }

    /** cma_clear_bitmap(). */
    private void clearBitmap(long pfn, long pages) {
        long bitmapNo = (pfn - basePfn) >>> orderPerBit;
        long bits = bitmapPagesToBits(pages);
        lock.lock();
        try {
            bitmap.clear(bitmapNo, bits);
            availableCount += pages;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean pagesValid(long pfn, long pages) {
        long c = count;
        return c != 0 && pfn >= basePfn && pfn < basePfn + c;
    }

    @Override
    public boolean release(long pfn, long pages) {
        if (pages < 0) {
            throw new IllegalArgumentException("count: " + pages + " (expected: >= 0)");
        }
        if (!pagesValid(pfn, pages)) {
            return false;
        }
        if (pages > count - (pfn - basePfn)) {
            throw new IllegalArgumentException("pfn range: [" + pfn + ", " + (pfn + pages) + ") runs past the end of area "
                    + name + " at pfn " + (basePfn + count));
        }
        if (pages == 0) {
            return true;
        }
        lock.lock();
        try {
            Map.Entry<Long, CmaAllocation> e = live.floorEntry(pfn);
            CmaAllocation a = e == null ? null : e.getValue();
            if (a == null || pfn >= a.endPfn()) {
                throw new IllegalStateException("cma_release: area=" + name + " pfn=" + pfn + " count=" + pages
                        + " is not allocated (double free?)");
            }
            if (pfn + pages > a.endPfn()) {
                throw new IllegalStateException("cma_release: area=" + name + " pfn=" + pfn + " count=" + pages
                        + " runs past the allocation at pfn=" + a.pfn() + " count=" + a.count());
            }
            if (pfn != a.pfn() || pages != a.count()) {
                long unit = 1L << orderPerBit;
                boolean endsAtAllocEnd = pfn + pages == a.endPfn();
                if ((pfn - a.pfn()) % unit != 0 || (pages % unit != 0 && !endsAtAllocEnd)) {
                    throw new IllegalArgumentException("cma_release: area=" + name + " pfn=" + pfn + " count=" + pages
                            + " splits a bitmap bit of " + unit + " pages (order_per_bit=" + orderPerBit + ")");
                }
            }
            // Free first: if the page allocator refuses, nothing here has changed.
            registry.pageAllocator().freeContigRange(pfn, pages);
            live.remove(a.pfn());
            if (a.pfn() < pfn) {
                live.put(a.pfn(), new CmaAllocation(this, a.pfn(), pfn - a.pfn(), a.align(), a.owner(), a.callSite(),
                        a.timestampNanos(), a.cost()));
            }
            if (pfn + pages < a.endPfn()) {
                live.put(pfn + pages, new CmaAllocation(this, pfn + pages, a.endPfn() - pfn - pages, a.align(),
                        a.owner(), a.callSite(), a.timestampNanos(), a.cost()));
            }
            clearBitmap(pfn, pages);
        } finally {
            lock.unlock();
        }
        releasePagesSuccess.add(pages);
        CmaEvents.Release ev = new CmaEvents.Release();
        if (ev.shouldCommit()) {
            ev.name = name;
            ev.pfn = pfn;
            ev.address = Mm.pfnPhys(pfn);
            ev.count = pages;
            ev.size = Mm.pfnPhys(pages);
            ev.commit();
        }
        return true;
    }

    @Override
    public boolean release(CmaAllocation allocation) {
        if (allocation.area() != this) {
            throw new IllegalArgumentException("allocation: " + allocation + " (expected: one of area " + name
                    + " of this machine)");
        }
        return release(allocation.pfn(), allocation.count());
    }

    @Override
    public List<CmaAllocation> allocations() {
        lock.lock();
        try {
            return List.copyOf(live.values());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long used() {
        lock.lock();
        try {
            Bitmap bm = bitmap;
            return bm == null ? 0 : bm.weight(bitmapMaxno()) << orderPerBit;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long maxchunk() {
        lock.lock();
        try {
            Bitmap bm = bitmap;
            return bm == null ? 0 : bm.maxZeroRun(bitmapMaxno()) << orderPerBit;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CmaBitmap bitmap() {
        lock.lock();
        try {
            Bitmap bm = bitmap;
            int nbits = bm == null ? 0 : Math.toIntExact(bitmapMaxno());
            return new CmaBitmap(basePfn, orderPerBit, nbits, bm == null ? new BitSet() : bm.toBitSet(nbits));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String freeExtents() {
        lock.lock();
        try {
            StringBuilder sb = new StringBuilder();
            Bitmap bm = bitmap;
            long nbits = bm == null ? 0 : bitmapMaxno();
            long start = 0;
            long total = 0;
            while (bm != null) {
                long zero = bm.findNextZeroBit(nbits, start);
                if (zero >= nbits) {
                    break;
                }
                long set = bm.findNextBit(nbits, zero);
                long part = (set - zero) << orderPerBit;
                sb.append(total != 0 ? "+" : "").append(part).append('@').append(zero);
                total += part;
                start = set;
            }
            sb.append("=> ").append(total).append(" free of ").append(count).append(" total pages");
            return sb.toString();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CmaMetrics metrics() {
        lock.lock();
        try {
            Bitmap bm = bitmap;
            long used = bm == null ? 0 : bm.weight(bitmapMaxno()) << orderPerBit;
            long maxchunk = bm == null ? 0 : bm.maxZeroRun(bitmapMaxno()) << orderPerBit;
            return new CmaMetrics(name, basePfn, count, orderPerBit, bm == null ? 0 : availableCount, used, maxchunk,
                    live.size(), allocPagesSuccess.sum(), allocPagesFail.sum(), releasePagesSuccess.sum(),
                    allocSuccess.sum(), allocFail.sum(), busyRetries.sum(), pagesMigrated.sum(), bytesCopied.sum(),
                    allocNanos.sum());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public MemorySegment segment(long pfn, long pages) {
        if (pfn < basePfn || pages < 0 || pfn + pages > basePfn + count) {
            throw new IndexOutOfBoundsException("pfn range: [" + pfn + ", " + (pfn + pages) + ") (expected: within area "
                    + name + " [" + basePfn + ", " + (basePfn + count) + "))");
        }
        return registry.memory().segment(pfn, pages);
    }

    /** Live allocations as text, for error messages (suspend). */
    String describeLive() {
        lock.lock();
        try {
            List<String> out = new ArrayList<>();
            for (CmaAllocation a : live.values()) {
                out.add("pfn=" + a.pfn() + " count=" + a.count() + " owner=" + a.owner());
            }
            return String.join(", ", out);
        } finally {
            lock.unlock();
        }
    }

    int liveCount() {
        lock.lock();
        try {
            return live.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "Cma[name=" + name + ", base_pfn=" + basePfn + ", count=" + count + ", order_per_bit=" + orderPerBit
                + ", nid=" + nid + "]";
    }
}

package io.jcma.cma.internal;

import io.jcma.cma.Cma;
import io.jcma.cma.CmaAreas;
import io.jcma.cma.kernel.CallSite;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.cma.mm.Memblock;
import io.jcma.cma.mm.MemoryBank;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.PageAllocator;
import io.jcma.cma.mm.PhysicalMemory;
import io.jcma.cma.mm.Zone;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Mirrors the init side of mm/cma.c: cma_declare_contiguous_nid(), cma_init_reserved_mem(),
 * cma_alloc_areas() and cma_init_reserved_areas() over the {@code cma_areas[]} array, plus the
 * state every area shares ({@code cma_mutex}, the vmstat counters, suspend). The allocation side
 * is {@link CmaArea}; the contract is {@link CmaAreas}.
 */
public final class CmaAreasImpl implements CmaAreas {
    private final Memblock memblock;
    private final KernelLog log;
    private final ReentrantLock registryMutex = new ReentrantLock();
    /** cma_mutex: serialises alloc_contig_range() across all areas, as the kernel does. */
    final ReentrantLock cmaMutex = new ReentrantLock();
    final LongAdder vmCmaAllocSuccess = new LongAdder();
    final LongAdder vmCmaAllocFail = new LongAdder();

    private CmaArea[] areas = new CmaArea[MAX_CMA_AREAS];
    private volatile int areaCount;
    private long totalcmaPages;
    private volatile PhysicalMemory memory;
    private volatile PageAllocator pageAllocator;
    private volatile boolean suspended;
    /** cma_alloc() calls between their suspend check and their result: suspend waits for them. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean trackCallSites;
    /** The caller of cma_alloc(): the first frame outside cma-core and the layers added above it. */
    private volatile CallSite callers = CallSite.outside(Cma.class);

    private CmaAreasImpl(Memblock memblock, KernelLog log) {
        this.memblock = memblock;
        this.log = log;
    }

    /** See {@link CmaAreas#create}. */
    public static CmaAreasImpl create(Memblock memblock, KernelLog log) {
        return new CmaAreasImpl(memblock, log);
    }

    KernelLog log() {
        return log;
    }

    PhysicalMemory memory() {
        PhysicalMemory m = memory;
        if (m == null) {
            throw new IllegalStateException("CMA areas not activated: no physical memory yet");
        }
        return m;
    }

    PageAllocator pageAllocator() {
        return pageAllocator;
    }

    @Override
    public void allocAreas(int max) {
        registryMutex.lock();
        try {
            if (max < 0) {
                throw new ErrnoException(Errno.EINVAL, "cma_alloc_areas: max=" + max + " (expected: >= 0)");
            }
            if (max <= areas.length) {
                return;
            }
            if (pageAllocator != null) {
                throw new ErrnoException(Errno.EPERM, "cma_alloc_areas: max=" + max
                        + ": the areas are already activated");
            }
            areas = Arrays.copyOf(areas, max);
        } finally {
            registryMutex.unlock();
        }
    }

    @Override
    public int capacity() {
        registryMutex.lock();
        try {
            return areas.length;
        } finally {
            registryMutex.unlock();
        }
    }

    @Override
    public int count() {
        return areaCount;
    }

    @Override
    public List<Cma> areas() {
        registryMutex.lock();
        try {
            return List.of(Arrays.copyOf(areas, areaCount));
        } finally {
            registryMutex.unlock();
        }
    }

    @Override
    public Optional<Cma> byName(String name) {
        for (Cma c : areas()) {
            if (c.name().equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    @Override
    public long totalcmaPages() {
        registryMutex.lock();
        try {
            return totalcmaPages;
        } finally {
            registryMutex.unlock();
        }
    }

    @Override
    public long vmCmaAllocSuccess() {
        return vmCmaAllocSuccess.sum();
    }

    @Override
    public long vmCmaAllocFail() {
        return vmCmaAllocFail.sum();
    }

    @Override
    public void setTrackCallSites(boolean on) {
        trackCallSites = on;
    }

    @Override
    public synchronized void addLayerAbove(Class<?>... anchors) {
        callers = callers.also(anchors);
    }

    /** The caller of the cma_alloc() under way, or "-" when call sites are not tracked. */
    String callSite() {
        return trackCallSites ? callers.find() : "-";
    }

    @Override
    public Cma declareContiguousNid(long base, long size, long limit, long alignment, int orderPerBit,
                                    boolean fixed, String name, int nid) {
        registryMutex.lock();
        try {
            return declareLocked(base, size, limit, alignment, orderPerBit, fixed, name, nid);
        } finally {
            registryMutex.unlock();
        }
    }

    private void checkEarly(String func) {
        if (pageAllocator != null) {
            throw new IllegalStateException(func + ": called after cma_init_reserved_areas() (an __init function:"
                    + " areas are declared during early boot only)");
        }
    }

    private Cma declareLocked(long base, long size, long limit, long alignment, int orderPerBit,
                              boolean fixed, String name, int nid) {
        checkEarly("cma_declare_contiguous_nid");
        long memblockEnd = memblock.end();
        // All RAM is low memory on x86-64 and arm64: the boundary is the end of RAM.
        long highmemStart = memblockEnd;
        log.debug("cma: cma_declare_contiguous_nid(size " + Mm.pa(size) + ", base " + Mm.pa(base) + ", limit "
                + Mm.pa(limit) + " alignment " + Mm.pa(alignment) + ")");
        if (areaCount == areas.length) {
            log.err("cma: Not enough slots for CMA reserved regions!");
            throw new ErrnoException(Errno.ENOSPC, "cma_declare_contiguous_nid: all " + areas.length
                    + " CMA area slots are in use (MAX_CMA_AREAS)");
        }
        if (size == 0) {
            throw new ErrnoException(Errno.EINVAL, "cma_declare_contiguous_nid: size=0 (expected: > 0)");
        }
        if (alignment != 0 && !Mm.isPowerOfTwo(alignment)) {
            throw new ErrnoException(Errno.EINVAL, "cma_declare_contiguous_nid: alignment=" + Mm.pa(alignment)
                    + " (expected: power of two)");
        }
        if (orderPerBit < 0 || orderPerBit > 31) {
            throw new ErrnoException(Errno.EINVAL, "cma_declare_contiguous_nid: order_per_bit=" + orderPerBit
                    + " (expected: 0..31)");
        }
        alignment = Math.max(alignment, Mm.CMA_MIN_ALIGNMENT_BYTES);
        if (fixed && (base & (alignment - 1)) != 0) {
            log.err("cma: Region at " + Mm.pa(base) + " must be aligned to " + Mm.pa(alignment) + " bytes");
            throw failed(Errno.EINVAL, size, nid, "fixed base=" + Mm.pa(base) + " (expected: aligned to "
                    + Mm.pa(alignment) + ")");
        }
        base = Mm.alignUp(base, alignment);
        size = Mm.alignUp(size, alignment);
        limit &= ~(alignment - 1);
        if (base == 0) {
            fixed = false;
        }
        if (!Mm.isAligned(size >>> Mm.PAGE_SHIFT, 1L << orderPerBit)) {
            throw new ErrnoException(Errno.EINVAL, "cma_declare_contiguous_nid: size=" + Mm.pa(size)
                    + " is not a whole number of order_per_bit=" + orderPerBit + " bits");
        }
        // phys_addr_t is u64: compare unsigned, and an end past 2^64 exceeds any limit.
        if (fixed && Long.compareUnsigned(base, highmemStart) < 0 && Long.compareUnsigned(base + size, highmemStart) > 0) {
            log.err("cma: Region at " + Mm.pa(base) + " defined on low/high memory boundary (" + Mm.pa(highmemStart) + ")");
            throw failed(Errno.EINVAL, size, nid, "fixed region [" + Mm.pa(base) + "-" + Mm.pa(base + size - 1)
                    + "] crosses the low/high memory boundary " + Mm.pa(highmemStart));
        }
        if (limit == 0 || Long.compareUnsigned(limit, memblockEnd) > 0) {
            limit = memblockEnd;
        }
        if (size == 0) {
            // ALIGN() wrapped a size near 2^64 to 0; the kernel gets as far as
            // cma_init_reserved_mem(), which refuses a zero size.
            throw failed(Errno.EINVAL, size, nid, "size wraps to 0 when aligned to " + Mm.pa(alignment));
        }
        if (Long.compareUnsigned(base + size, limit) > 0 || Long.compareUnsigned(base + size, base) < 0) {
            log.err("cma: Size (" + Mm.pa(size) + ") of region at " + Mm.pa(base) + " exceeds limit (" + Mm.pa(limit) + ")");
            throw failed(Errno.EINVAL, size, nid, "base=" + Mm.pa(base) + " + size=" + Mm.pa(size)
                    + " exceeds limit=" + Mm.pa(limit));
        }
        if (fixed) {
            if (!memblock.isRegionWhollyMemory(base, size)) {
                log.err("cma: Region at " + Mm.pa(base) + " of " + Mm.pa(size)
                        + " bytes is not RAM (Linux would reserve it and fail at activation)");
                throw failed(Errno.EINVAL, size, nid, "fixed region [" + Mm.pa(base) + "-" + Mm.pa(base + size - 1)
                        + "] is not wholly RAM");
            }
            if (memblock.isRegionReserved(base, size)) {
                throw failed(Errno.EBUSY, size, nid, "fixed region [" + Mm.pa(base) + "-" + Mm.pa(base + size - 1)
                        + "] overlaps reserved memory");
            }
            memblock.reserve(base, size);
        } else {
            long addr = 0;
            if (!memblock.bottomUp() && memblockEnd >= Mm.SZ_4G + size) {
                memblock.setBottomUp(true);
                try {
                    addr = memblock.allocRangeNid(size, alignment, Mm.SZ_4G, limit, nid, true);
                } finally {
                    memblock.setBottomUp(false);
                }
            }
            if (addr == 0 && base < highmemStart && limit > highmemStart) {
                addr = memblock.allocRangeNid(size, alignment, highmemStart, limit, nid, true);
                limit = highmemStart;
            }
            if (addr == 0) {
                addr = memblock.allocRangeNid(size, alignment, base, limit, nid, true);
                if (addr == 0) {
                    throw failed(Errno.ENOMEM, size, nid, "no free range of size=" + Mm.pa(size) + " aligned to "
                            + Mm.pa(alignment) + " in [" + Mm.pa(base) + ", " + Mm.pa(limit) + ")"
                            + (nid == Mm.NUMA_NO_NODE ? "" : " on node " + nid));
                }
            }
            base = addr;
        }
        Cma cma;
        try {
            cma = initReservedMemLocked(base, size, orderPerBit, name, nid);
        } catch (ErrnoException e) {
            memblock.physFree(base, size);
            throw failed(e.errno(), size, nid, e.reason());
        }
        log.info("cma: Reserved " + (size / Mm.SZ_1M) + " MiB at " + Mm.pa(base) + nidSuffix(nid));
        return cma;
    }

    /**
     * " on node %d", NUMA_NO_NODE included ("on node -1"), as 6.5 to 6.13 print it. (A proposed
     * version printed the node only when one was given; 6.14 dropped the node from the line.)
     */
    private static String nidSuffix(int nid) {
        return " on node " + nid;
    }

    private ErrnoException failed(Errno errno, long size, int nid, String reason) {
        log.err("cma: Failed to reserve " + Long.divideUnsigned(size, Mm.SZ_1M) + " MiB" + nidSuffix(nid));
        return new ErrnoException(errno, "cma_declare_contiguous_nid: " + reason);
    }

    @Override
    public Cma initReservedMem(long base, long size, int orderPerBit, String name) {
        registryMutex.lock();
        try {
            return initReservedMemLocked(base, size, orderPerBit, name, Mm.NUMA_NO_NODE);
        } finally {
            registryMutex.unlock();
        }
    }

    private Cma initReservedMemLocked(long base, long size, int orderPerBit, String name, int nid) {
        checkEarly("cma_init_reserved_mem");
        if (areaCount == areas.length) {
            log.err("cma: Not enough slots for CMA reserved regions!");
            throw new ErrnoException(Errno.ENOSPC, "cma_init_reserved_mem: all " + areas.length
                    + " CMA area slots are in use (MAX_CMA_AREAS)");
        }
        if (size <= 0 || base < 0) {
            throw new ErrnoException(Errno.EINVAL, "cma_init_reserved_mem: base=" + Mm.pa(base) + " size=" + Mm.pa(size)
                    + " (expected: size > 0)");
        }
        if (!memblock.isRegionReserved(base, size)) {
            throw new ErrnoException(Errno.EINVAL, "cma_init_reserved_mem: [" + Mm.pa(base) + "-"
                    + Mm.pa(base + size - 1) + "] is not reserved in memblock");
        }
        if (!memblock.isRegionWhollyReserved(base, size)) {
            throw new ErrnoException(Errno.EINVAL, "cma_init_reserved_mem: [" + Mm.pa(base) + "-"
                    + Mm.pa(base + size - 1) + "] is only partly reserved in memblock (Linux accepts this; jcma"
                    + " refuses, the unreserved pages would be handed out twice)");
        }
        if (orderPerBit < 0 || orderPerBit > 31 || !Mm.isAligned(Mm.CMA_MIN_ALIGNMENT_PAGES, 1L << orderPerBit)) {
            throw new ErrnoException(Errno.EINVAL, "cma_init_reserved_mem: order_per_bit=" + orderPerBit
                    + " (expected: 0.." + Mm.PAGEBLOCK_ORDER + ", a pageblock must be whole bits)");
        }
        if (!Mm.isAligned(base | size, Mm.CMA_MIN_ALIGNMENT_BYTES)) {
            throw new ErrnoException(Errno.EINVAL, "cma_init_reserved_mem: base=" + Mm.pa(base) + " size="
                    + Mm.pa(size) + " (expected: both aligned to " + Mm.pa(Mm.CMA_MIN_ALIGNMENT_BYTES) + ")");
        }
        if (!memblock.isRegionWhollyMemory(base, size)) {
            throw new ErrnoException(Errno.EINVAL, "cma_init_reserved_mem: [" + Mm.pa(base) + "-"
                    + Mm.pa(base + size - 1) + "] is not wholly RAM");
        }
        // 6.12 formats unnamed areas as "cma%d\n", newline included (a slip later fixed); the
        // newline is left out here, since it would end up in debugfs and sysfs directory names.
        String n = name != null ? name : "cma" + areaCount;
        if (n.length() > CMA_MAX_NAME - 1) {
            n = n.substring(0, CMA_MAX_NAME - 1);
        }
        CmaArea cma = new CmaArea(this, n, Mm.pfnDown(base), size >>> Mm.PAGE_SHIFT, orderPerBit, nid);
        areas[areaCount] = cma;
        areaCount++;
        totalcmaPages += size / Mm.PAGE_SIZE;
        return cma;
    }

    @Override
    public void reservePagesOnError(Cma cma) {
        if (!(cma instanceof CmaArea a) || a.registry() != this) {
            throw new IllegalArgumentException("cma: " + cma + " (expected: an area of this machine)");
        }
        a.setReservePagesOnError();
    }

    @Override
    public void initReservedAreas(PhysicalMemory memory, List<Zone> zones, PageAllocator allocator) {
        registryMutex.lock();
        try {
            if (pageAllocator != null) {
                throw new IllegalStateException("cma_init_reserved_areas: already ran");
            }
            this.memory = memory;
            this.pageAllocator = allocator;
            for (int i = 0; i < areaCount; i++) {
                activate(areas[i], memory, zones, allocator);
            }
        } finally {
            registryMutex.unlock();
        }
    }

    private void activate(CmaArea cma, PhysicalMemory memory, List<Zone> zones, PageAllocator allocator) {
        long base = cma.basePfn();
        long n = cma.count();
        if (inOneZone(base, n, memory, zones)) {
            for (long pfn = base; pfn < base + n; pfn += Mm.PAGEBLOCK_NR_PAGES) {
                allocator.initCmaReservedPageblock(pfn);
            }
            cma.activated();
            return;
        }
        if (!cma.reservePagesOnError()) {
            for (long pfn = base; pfn < base + n; ) {
                MemoryBank b = memory.bankOf(pfn);
                if (b == null) {
                    pfn++;
                    continue;
                }
                long e = Math.min(b.endPfn(), base + n);
                allocator.freeReservedPages(pfn, e - pfn);
                pfn = e;
            }
        }
        totalcmaPages -= n;
        cma.deactivated();
        log.err("cma: CMA area " + cma.name() + " could not be activated");
    }

    private static boolean inOneZone(long base, long n, PhysicalMemory memory, List<Zone> zones) {
        Zone zone = Zone.of(zones, memory, base);
        if (zone == null || !zone.contains(base + n - 1)) {
            return false;
        }
        // Every pfn must be RAM on the zone's node (holes have no struct page of this zone).
        for (long pfn = base; pfn < base + n; ) {
            MemoryBank b = memory.bankOf(pfn);
            if (b == null || b.nid() != zone.nid()) {
                return false;
            }
            pfn = b.endPfn();
        }
        return true;
    }

    @Override
    public void suspend() {
        registryMutex.lock();
        try {
            suspended = true;
            while (inFlight.get() != 0) {
                Thread.onSpinWait();
            }
            List<String> busy = new ArrayList<>();
            for (int i = 0; i < areaCount; i++) {
                if (areas[i].liveCount() > 0) {
                    busy.add(areas[i].name() + ": " + areas[i].describeLive());
                }
            }
            if (!busy.isEmpty()) {
                suspended = false;
                throw new ErrnoException(Errno.EBUSY, "suspend: CMA allocations still live: " + String.join("; ", busy));
            }
            suspended = true;
            log.info("PM: suspend entry (deep)");
        } finally {
            registryMutex.unlock();
        }
    }

    @Override
    public void resume() {
        registryMutex.lock();
        try {
            if (!suspended) {
                throw new IllegalStateException("resume: machine is not suspended");
            }
            for (int i = 0; i < areaCount; i++) {
                CmaArea a = areas[i];
                if (a.active() && a.used() != 0) {
                    throw new IllegalStateException("resume: area " + a.name() + " has " + a.used() + " pages in use");
                }
            }
            suspended = false;
            log.info("PM: suspend exit");
        } finally {
            registryMutex.unlock();
        }
    }

    @Override
    public boolean suspended() {
        return suspended;
    }

    /** Enters cma_alloc(): pair with {@link #leaveAlloc()}. */
    void enterAlloc() {
        inFlight.incrementAndGet();
        if (suspended) {
            inFlight.decrementAndGet();
            throw new IllegalStateException("cma_alloc: machine is suspended");
        }
    }

    void leaveAlloc() {
        inFlight.decrementAndGet();
    }
}

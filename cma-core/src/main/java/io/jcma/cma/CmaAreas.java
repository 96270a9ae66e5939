package io.jcma.cma;

import io.jcma.cma.kernel.KernelLog;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.kernel.Errno;
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
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The CMA areas of one machine and the functions of mm/cma.c that create and activate them:
 * the {@code cma_areas[]} array with its {@link #MAX_CMA_AREAS} static slots (growable with
 * {@link #allocAreas}), {@code cma_area_count}, and {@code cma_mutex}.
 *
 * <p>Areas are declared during early boot ({@link #declareContiguousNid},
 * {@link #initReservedMem}), when only memblock exists, and activated at core_initcall
 * ({@link #initReservedAreas}), when the page allocator runs. Declaration and activation are
 * serialised by the registry mutex; allocation is per area.
 */
public final class CmaAreas {
    /** CONFIG_CMA_AREAS: static slots before cma_alloc_areas() grows the array. */
    public static final int MAX_CMA_AREAS = 8;
    /** CMA_MAX_NAME: names are cut to 63 characters, as snprintf into char[64] cuts them. */
    public static final int CMA_MAX_NAME = 64;

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
    final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean trackCallSites;

    private CmaAreas(Memblock memblock, KernelLog log) {
        this.memblock = memblock;
        this.log = log;
    }

    /** The registry of a machine in early boot, placing areas through {@code memblock}. */
    public static CmaAreas create(Memblock memblock, KernelLog log) {
        return new CmaAreas(memblock, log);
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

    /**
     * cma_alloc_areas(): grows the area array to {@code max} slots. Smaller or equal sizes are
     * a no-op, as are calls after activation (the array is then fixed).
     *
     * @throws ErrnoException EINVAL if max is negative, EPERM after activation
     */
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

    /** The number of slots: MAX_CMA_AREAS or what {@link #allocAreas} grew it to. */
    public int capacity() {
        registryMutex.lock();
        try {
            return areas.length;
        } finally {
            registryMutex.unlock();
        }
    }

    /** cma_area_count. */
    public int count() {
        return areaCount;
    }

    /** The areas in declaration order. */
    public List<Cma> areas() {
        registryMutex.lock();
        try {
            return List.of(Arrays.copyOf(areas, areaCount));
        } finally {
            registryMutex.unlock();
        }
    }

    public Optional<Cma> byName(String name) {
        for (Cma c : areas()) {
            if (c.name().equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** totalcma_pages: pages of all areas declared (less those that failed to activate). */
    public long totalcmaPages() {
        registryMutex.lock();
        try {
            return totalcmaPages;
        } finally {
            registryMutex.unlock();
        }
    }

    /** /proc/vmstat cma_alloc_success. */
    public long vmCmaAllocSuccess() {
        return vmCmaAllocSuccess.sum();
    }

    /** /proc/vmstat cma_alloc_fail. */
    public long vmCmaAllocFail() {
        return vmCmaAllocFail.sum();
    }

    /** Whether each allocation records its caller (costs a stack walk per allocation). */
    public void setTrackCallSites(boolean on) {
        trackCallSites = on;
    }

    String callSite() {
        if (!trackCallSites) {
            return "-";
        }
        return StackWalker.getInstance().walk(s -> s
                .filter(f -> !isAllocatorFrame(f.getClassName()))
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .orElse("-"));
    }

    /** Frames of the allocators themselves: the call site is the first frame after them. */
    private static boolean isAllocatorFrame(String cls) {
        return cls.equals("io.jcma.cma.Cma") || cls.equals("io.jcma.cma.CmaArea") || cls.equals("io.jcma.cma.CmaAreas")
                || cls.startsWith("io.jcma.cma.fs.") || cls.startsWith("io.jcma.dma.internal.")
                || cls.startsWith("java.");
    }

    /**
     * cma_declare_contiguous_nid(): reserves {@code size} bytes with memblock and makes them an
     * area. With {@code fixed}, exactly at {@code base}; otherwise anywhere in [base, limit),
     * trying bottom-up above 4 GiB first when memblock is top-down and RAM reaches 4 GiB + size.
     * Checks, in the kernel's order: a free slot (ENOSPC), size (EINVAL), alignment a power of
     * two (EINVAL), a fixed base aligned (EINVAL), size a whole number of bits (EINVAL), a fixed
     * region not crossing the low/high memory boundary (EINVAL), base + size within the limit
     * (EINVAL), the fixed region not already reserved (EBUSY), room for a dynamic one (ENOMEM).
     * Unlike Linux, a fixed region that is not wholly RAM is refused (EINVAL): Linux reserves
     * the hole and fails later.
     *
     * @param base          0 for anywhere
     * @param limit         0 for no limit (end of RAM)
     * @param alignment     0 or a power of two; raised to CMA_MIN_ALIGNMENT_BYTES (2 MiB)
     * @param orderPerBit   pages per bitmap bit, as an order
     * @param name          the area's name, or null for "cma%d"
     * @param nid           the node to place it on, or NUMA_NO_NODE
     * @throws ErrnoException ENOSPC, EINVAL, EBUSY or ENOMEM, as above; the kernel's log lines
     *                        are written first
     */
    public Cma declareContiguousNid(long base, long size, long limit, long alignment, int orderPerBit,
                                    boolean fixed, String name, int nid) {
        registryMutex.lock();
        try {
            return declareLocked(base, size, limit, alignment, orderPerBit, fixed, name, nid);
        } finally {
            registryMutex.unlock();
        }
    }

    /** cma_declare_contiguous(): {@link #declareContiguousNid} on NUMA_NO_NODE. */
    public Cma declareContiguous(long base, long size, long limit, long alignment, int orderPerBit,
                                 boolean fixed, String name) {
        return declareContiguousNid(base, size, limit, alignment, orderPerBit, fixed, name, Mm.NUMA_NO_NODE);
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

    /**
     * cma_init_reserved_mem(): makes already-reserved memory an area. Checks a free slot
     * (ENOSPC), a non-zero size inside memblock's reservations (EINVAL), order_per_bit no
     * larger than a pageblock (EINVAL), base and size aligned to CMA_MIN_ALIGNMENT_BYTES
     * (EINVAL). Linux asks only that the range touch a reservation; jcma asks that it be wholly
     * reserved RAM, since anything else would be handed out twice.
     *
     * @param name the area's name, or null for "cma%d"
     * @throws ErrnoException ENOSPC or EINVAL
     */
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

    /** cma_reserve_pages_on_error(): if activation fails, keep the pages reserved. */
    public void reservePagesOnError(Cma cma) {
        ((CmaArea) cma).setReservePagesOnError();
    }

    /**
     * cma_init_reserved_areas() (core_initcall): activates every declared area. An area must lie
     * in one zone of RAM; otherwise "CMA area %s could not be activated", its count becomes 0
     * and (unless {@link #reservePagesOnError}) its pages go to the page allocator. An activated
     * area's pageblocks become MIGRATE_CMA and its pages are freed to the page allocator.
     *
     * @throws IllegalStateException if called twice
     */
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
        log.err("CMA area " + cma.name() + " could not be activated");
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

    /**
     * Suspend: every CMA allocation must have been released.
     *
     * @throws ErrnoException EBUSY naming each live allocation
     */
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

    /** Resume: the areas take allocations again. */
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

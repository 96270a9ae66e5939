package io.jcma.dma;

import io.jcma.cma.Cma;
import io.jcma.cma.CmaAllocation;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.fs.KernelFs;
import io.jcma.cma.mm.Gfp;
import io.jcma.cma.mm.MemoryBank;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.PageAllocator;
import io.jcma.cma.mm.PhysicalMemory;
import io.jcma.dma.internal.SwiotlbSlots;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

final class DmaImpl implements Dma {
    /** CONFIG_CMA_ALIGNMENT. */
    static final int CMA_ALIGNMENT = 8;
    /** The page sizes an IOMMU maps at once (pgsize_bitmap 4K | 2M | 1G), as orders. */
    private static final int[] IOMMU_ORDERS = {9, 0};

    private final Machine machine;
    private final DmaOptions options;
    private final DmaDebugImpl debug;
    private final SwiotlbSlots slots;
    private final long swiotlbStart;
    private final boolean swiotlbForce;
    private final MemorySegment swiotlbSeg;
    private final long[] bankAddr;
    private final long[] bankPhys;
    private final long[] bankLen;
    private final List<DeviceImpl> devices = new CopyOnWriteArrayList<>();
    private final Set<DmaBufferImpl> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<DeviceImpl, TreeMap<Long, List<Mapping>>> singles = new IdentityHashMap<>();
    /**
     * The CPU entries of mapped scatterlists by DMA address, for dma_sync_single_* on one of them:
     * the kernel finds a bounce buffer from the address alone. Guarded by {@code singles}.
     */
    private final Map<DeviceImpl, TreeMap<Long, List<Mapping>>> sgEntries = new IdentityHashMap<>();
    /** Debug-mode CPU views (aliases of RAM): address to {length, physical address}. */
    private final TreeMap<Long, long[]> aliases = new TreeMap<>();

    /** One streaming mapping (single, or one CPU entry of a scatterlist). */
    static final class Mapping {
        DeviceImpl dev;
        long dma;
        long size;
        DmaDirection dir;
        MemorySegment orig;
        long phys = -1;
        int slot = -1;
        long tlbPhys = -1;
        long iova = -1;
        long iovaLen;
        String site;
    }

    private DmaImpl(Machine machine, DmaOptions options, DmaHook.Reservation r) {
        this.machine = machine;
        this.options = options;
        boolean off = machine.cmdline().all("dma_debug").stream()
                .anyMatch(p -> p.value() != null && p.value().startsWith("off"));
        if (options.debug() && off) {
            machine.log().info("DMA-API: debugging disabled on kernel command line");
        }
        this.debug = new DmaDebugImpl(options.debug() && !off, machine.log());
        PhysicalMemory mem = machine.memory();
        if (r != null) {
            slots = new SwiotlbSlots(r.nslabs());
            swiotlbStart = r.start();
            swiotlbForce = r.force();
            swiotlbSeg = mem.segment(Mm.pfnDown(r.start()), ((long) r.nslabs() << SwiotlbSlots.IO_TLB_SHIFT) >>> Mm.PAGE_SHIFT);
        } else {
            slots = null;
            swiotlbStart = -1;
            swiotlbForce = false;
            swiotlbSeg = null;
        }
        List<MemoryBank> banks = mem.banks();
        bankAddr = new long[banks.size()];
        bankPhys = new long[banks.size()];
        bankLen = new long[banks.size()];
        for (int i = 0; i < banks.size(); i++) {
            MemoryBank b = banks.get(i);
            bankAddr[i] = mem.segment(b.startPfn(), b.pages()).address();
            bankPhys[i] = b.start();
            bankLen[i] = Mm.pfnPhys(b.pages());
        }
    }

    static DmaImpl create(Machine machine, DmaOptions options, DmaHook.Reservation r) {
        DmaImpl d = new DmaImpl(machine, options, r);
        d.registerFiles();
        if (d.debug.enabled()) {
            machine.log().info("DMA-API: debugging enabled by kernel config");
        }
        return d;
    }

    DmaDebugImpl debugImpl() {
        return debug;
    }

    KernelLog log() {
        return machine.log();
    }

    @Override
    public Machine machine() {
        return machine;
    }

    @Override
    public DmaOptions options() {
        return options;
    }

    @Override
    public DmaDebug debug() {
        return debug;
    }

    @Override
    public Optional<SwiotlbInfo> swiotlb() {
        return slots == null ? Optional.empty() : Optional.of(new SwiotlbInfo(swiotlbStart, slots.nslabs(), slots.used()));
    }

    private void registerFiles() {
        KernelFs fs = machine.fs();
        String d = "/sys/kernel/debug/dma-api/";
        fs.registerFile(d + "error_count", () -> debug.errorCount() + "\n", null);
        fs.registerFile(d + "num_errors", () -> debug.showNumErrors + "\n", v -> debug.showNumErrors = parseU32(v));
        fs.registerFile(d + "all_errors", () -> debug.showAllErrors + "\n", v -> debug.showAllErrors = parseU32(v));
        fs.registerFile(d + "disabled", () -> (debug.enabled() ? "N" : "Y") + "\n", null);
        fs.registerFile(d + "dump", debug::dump, null);
        if (slots != null) {
            fs.registerFile("/sys/kernel/debug/swiotlb/io_tlb_nslabs", () -> slots.nslabs() + "\n", null);
            fs.registerFile("/sys/kernel/debug/swiotlb/io_tlb_used", () -> slots.used() + "\n", null);
        }
    }

    private static long parseU32(String v) {
        try {
            long x = Long.decode(v.strip());
            if (x < 0 || x > 0xffff_ffffL) {
                throw new NumberFormatException();
            }
            return x;
        } catch (NumberFormatException e) {
            throw new ErrnoException(Errno.EINVAL, "value: " + v.strip() + " (expected: u32)");
        }
    }

    void registerPoolsFile(DeviceImpl dev) {
        machine.fs().registerFile(poolsPath(dev), () -> DmaPoolImpl.poolsShow(dev), null);
    }

    void removePoolsFile(DeviceImpl dev) {
        machine.fs().remove(poolsPath(dev));
    }

    static String poolsPath(Device dev) {
        return "/sys/devices/platform/" + dev.name() + "/pools";
    }

    /* ---------------------------------------------------------------- devices and masks */

    @Override
    public Device.Builder newDevice(String name) {
        return new DeviceImpl.B(this, name);
    }

    DeviceImpl register(DeviceImpl d) {
        for (DeviceImpl o : devices) {
            if (o.name().equals(d.name())) {
                throw new IllegalArgumentException("name: " + d.name() + " (expected: unique; a device has it)");
            }
        }
        devices.add(d);
        return d;
    }

    private DmaBufferImpl buffer(DmaBuffer b) {
        if (!(b instanceof DmaBufferImpl bi) || bi.dev.dma != this) {
            throw new IllegalArgumentException("buffer: " + b + " (expected: a buffer of this DMA layer)");
        }
        return bi;
    }

    private DeviceImpl dev(Device d) {
        if (!(d instanceof DeviceImpl di) || di.dma != this) {
            throw new IllegalArgumentException("device: " + d + " (expected: a device of this DMA layer)");
        }
        return di;
    }

    @Override
    public void bind(Device d, String driver) {
        DeviceImpl di = dev(d);
        if (driver == null || driver.isEmpty()) {
            throw new IllegalArgumentException("driver: " + driver + " (expected: a name)");
        }
        synchronized (di.deviceLock) {
            if (di.bound()) {
                throw new ErrnoException(Errno.EBUSY, "bind: device=" + di.name() + " already has driver=" + di.driverName());
            }
            di.setDriver(driver);
        }
    }

    @Override
    public void unbind(Device d) {
        DeviceImpl di = dev(d);
        synchronized (di.deviceLock) {
            unbindLocked(di);
        }
    }

    private void unbindLocked(DeviceImpl di) {
        if (!di.bound()) {
            throw new IllegalStateException("unbind: device=" + di.name() + " has no driver");
        }
        List<Object> res;
        synchronized (di.devres) {
            res = new ArrayList<>(di.devres);
            di.devres.clear();
        }
        Collections.reverse(res);
        for (Object o : res) {
            if (o instanceof DmaBufferImpl b && !b.freed) {
                release(b);
                if (debugTracked(b)) {
                    debug.freeCoherent(di, b.size, b.dma, b.phys());
                }
            } else if (o instanceof DmaPoolImpl p && !p.destroyed()) {
                p.destroy();
            }
        }
        debug.unbound(di);
        di.setDriver(null);
    }

    /** dma_supported() for dma-direct; a device behind an IOMMU supports any mask. */
    @Override
    public boolean supported(Device d, long mask) {
        DeviceImpl di = dev(d);
        if (di.iommu != null) {
            return true;
        }
        if (Long.compareUnsigned(mask, Dma.bitMask(32)) >= 0) {
            return true;
        }
        return Long.compareUnsigned(mask, minMask(di)) >= 0;
    }

    /** The lowest address every device must reach: the end of ZONE_DMA or the last page. */
    private long minMask(DeviceImpl di) {
        long last = Mm.pfnPhys(machine.memory().endPfn() - 1);
        long zoneDma = machine.zoneLayout().dmaEnd() - 1;
        long min = Math.min(last, zoneDma);
        return min - di.busOffset();
    }

    private ErrnoException eio(String fn, DeviceImpl di, long mask) {
        return new ErrnoException(Errno.EIO, fn + ": dev=" + di.name() + " mask=0x" + Long.toHexString(mask)
                + " (expected: >= 0x" + Long.toHexString(minMask(di)) + ", the lowest memory it can be given)");
    }

    @Override
    public void setMask(Device d, long mask) {
        DeviceImpl di = dev(d);
        if (!supported(di, mask)) {
            throw eio("dma_set_mask", di, mask);
        }
        di.dmaMask = mask;
    }

    @Override
    public void setCoherentMask(Device d, long mask) {
        DeviceImpl di = dev(d);
        if (!supported(di, mask)) {
            throw eio("dma_set_coherent_mask", di, mask);
        }
        di.coherentDmaMask = mask;
    }

    @Override
    public void setMaskAndCoherent(Device d, long mask) {
        setMask(d, mask);
        setCoherentMask(d, mask);
    }

    /* ---------------------------------------------------------------- coherent */

    /** get_order(). */
    static int getOrder(long size) {
        long pages = (size - 1) >>> Mm.PAGE_SHIFT;
        return pages == 0 ? 0 : 64 - Long.numberOfLeadingZeros(pages);
    }

    private record Pages(long pfn, long count, CmaAllocation cma, int order) {
        long phys() {
            return Mm.pfnPhys(pfn);
        }
    }

    /** cma_alloc_aligned(). */
    private Pages cmaAllocAligned(Cma area, long size, int gfp, DeviceImpl dev) {
        int align = Math.min(getOrder(size), CMA_ALIGNMENT);
        return area.alloc(size >>> Mm.PAGE_SHIFT, align, (gfp & Gfp.NOWARN) != 0, dev.name())
                .map(a -> new Pages(a.pfn(), a.count(), a, -1)).orElse(null);
    }

    /** dma_alloc_contiguous(). */
    private Pages allocContiguous(DeviceImpl dev, long size, int gfp) {
        if (dev.cmaArea().isPresent()) {
            return cmaAllocAligned(dev.cmaArea().get(), size, gfp, dev);
        }
        if (size <= Mm.PAGE_SIZE) {
            return null;
        }
        int nid = dev.numaNode();
        if (nid != Mm.NUMA_NO_NODE && (gfp & (Gfp.DMA | Gfp.DMA32)) == 0) {
            for (String name : new String[] {"pernuma" + nid, "numa" + nid}) {
                Optional<Cma> area = machine.cma().byName(name);
                if (area.isPresent()) {
                    Pages p = cmaAllocAligned(area.get(), size, gfp, dev);
                    if (p != null) {
                        return p;
                    }
                }
            }
        }
        Optional<Cma> def = machine.defaultArea();
        return def.map(a -> cmaAllocAligned(a, size, gfp, dev)).orElse(null);
    }

    private Pages allocPagesOrder(int order, int gfp) {
        if (order > Mm.MAX_PAGE_ORDER) {
            return null;
        }
        PageAllocator pa = machine.pageAllocator();
        long pfn = pa.allocPages(order, gfp & (Gfp.DMA | Gfp.DMA32 | Gfp.NOWARN));
        return pfn < 0 ? null : new Pages(pfn, 1L << order, null, order);
    }

    private void freePages(Pages p) {
        if (p.cma() != null) {
            p.cma().area().release(p.cma());
        } else {
            machine.pageAllocator().freePages(p.pfn(), p.order());
        }
    }

    private boolean coherentOk(DeviceImpl dev, long phys, long size) {
        long dma = dev.physToDma(phys);
        if (dma == DMA_MAPPING_ERROR) {
            return false;
        }
        return Long.compareUnsigned(dma + size - 1, dev.limit(dev.coherentDmaMask)) <= 0;
    }

    /** dma_direct_optimal_gfp_mask(): the zone modifier; {@code limit[0]} gets the physical limit. */
    private int optimalGfp(DeviceImpl dev, long[] limit) {
        long dmaLimit = dev.limit(dev.coherentDmaMask);
        long phys = dev.dmaToPhys(dmaLimit);
        if (Long.compareUnsigned(phys, dmaLimit) < 0) {
            phys = -1L;
        }
        limit[0] = phys;
        if (Long.compareUnsigned(phys, machine.zoneLayout().dmaEnd() - 1) <= 0) {
            return Gfp.DMA;
        }
        if (Long.compareUnsigned(phys, Dma.bitMask(32)) <= 0) {
            return Gfp.DMA32;
        }
        return 0;
    }

    /** __dma_direct_alloc_pages(). */
    private Pages directAllocPages(DeviceImpl dev, long size, int gfp) {
        long[] physLimit = new long[1];
        gfp |= optimalGfp(dev, physLimit);
        Pages p = allocContiguous(dev, size, gfp);
        if (p != null && !coherentOk(dev, p.phys(), size)) {
            freePages(p);
            p = null;
        }
        while (true) {
            if (p == null) {
                p = allocPagesOrder(getOrder(size), gfp);
            }
            if (p != null && !coherentOk(dev, p.phys(), size)) {
                freePages(p);
                p = null;
                if (physLimit[0] != -1L && (gfp & (Gfp.DMA32 | Gfp.DMA)) == 0) {
                    gfp |= Gfp.DMA32;
                    continue;
                }
                if ((gfp & Gfp.DMA) == 0) {
                    gfp = (gfp & ~Gfp.DMA32) | Gfp.DMA;
                    continue;
                }
            }
            return p;
        }
    }

    /** __iommu_dma_alloc_pages(): the largest orders first, order 0 last. */
    private List<Pages> iommuAllocPages(long count, int gfp, boolean singlePages) {
        List<Pages> out = new ArrayList<>();
        while (count > 0) {
            Pages got = null;
            for (int order : singlePages ? new int[] {0} : IOMMU_ORDERS) {
                if (order > Mm.MAX_PAGE_ORDER || (1L << order) > count) {
                    continue;
                }
                got = allocPagesOrder(order, gfp);
                if (got != null) {
                    break;
                }
            }
            if (got == null) {
                out.forEach(this::freePages);
                return null;
            }
            out.add(got);
            count -= got.count();
        }
        return out;
    }

    @Override
    public Optional<DmaBuffer> allocAttrs(Device d, long size, int gfp, long attrs) {
        return alloc(dev(d), size, gfp, attrs, false, debug.site());
    }

    Optional<DmaBuffer> alloc(DeviceImpl dev, long size, int gfp, long attrs, boolean managed, String site) {
        DmaEvents.Alloc ev = new DmaEvents.Alloc();
        ev.begin();
        Optional<DmaBuffer> r = allocUntraced(dev, size, gfp, attrs, managed, site);
        if (ev.shouldCommit()) {
            ev.device = dev.name();
            ev.size = size;
            ev.attrs = attrs;
            ev.dmaAddress = r.map(DmaBuffer::dmaAddress).orElse(-1L);
            ev.source = r.map(DmaBuffer::source).orElse("-");
            ev.commit();
        }
        return r;
    }

    private Optional<DmaBuffer> allocUntraced(DeviceImpl dev, long size, int gfp, long attrs, boolean managed,
                                              String site) {
        if (size <= 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: > 0)");
        }
        gfp &= ~(Gfp.DMA | Gfp.DMA32 | Gfp.ZERO);
        if ((attrs & DmaAttrs.NO_WARN) != 0) {
            gfp |= Gfp.NOWARN;
        }
        long asize = Mm.alignUp(size, Mm.PAGE_SIZE);
        List<Pages> pages;
        long dma;
        boolean zero;
        if (dev.iommu != null) {
            boolean force = (attrs & DmaAttrs.FORCE_CONTIGUOUS) != 0;
            // jcma cannot vmap scattered pages into one CPU view, so a buffer that needs one tries
            // contiguous memory first; the kernel's page-by-page path remains the fallback
            boolean wantCpu = (attrs & (DmaAttrs.NO_KERNEL_MAPPING | DmaAttrs.ALLOC_SINGLE_PAGES)) == 0;
            pages = null;
            if (force || wantCpu && asize > Mm.PAGE_SIZE) {
                Pages p = allocContiguous(dev, asize, gfp | (force ? 0 : Gfp.NOWARN));
                if (p == null) {
                    p = allocPagesOrder(getOrder(asize), gfp);
                }
                pages = p == null ? null : List.of(p);
            }
            if (pages == null && !force) {
                pages = iommuAllocPages(asize >>> Mm.PAGE_SHIFT, gfp, (attrs & DmaAttrs.ALLOC_SINGLE_PAGES) != 0);
            }
            if (pages == null) {
                return Optional.empty();
            }
            long iova = dev.iommu.allocIova(asize, dev.limit(dev.coherentDmaMask));
            if (iova < 0) {
                pages.forEach(this::freePages);
                return Optional.empty();
            }
            long at = iova;
            for (Pages p : pages) {
                long bytes = Math.min(Mm.pfnPhys(p.count()), iova + asize - at);
                if (!iommuMap(dev, at, p.phys(), bytes, IommuDomain.IOMMU_READ | IommuDomain.IOMMU_WRITE)) {
                    // iommu_dma_alloc_remap: out_free_sg, the IOVA and the pages go back
                    if (at > iova) {
                        dev.iommu.unmap(iova, at - iova);
                    }
                    dev.iommu.freeIova(iova);
                    pages.forEach(this::freePages);
                    return Optional.empty();
                }
                at += bytes;
            }
            dma = iova;
            zero = true;
        } else {
            Pages p = directAllocPages(dev, asize, gfp);
            if (p == null) {
                return Optional.empty();
            }
            pages = List.of(p);
            dma = dev.physToDma(p.phys());
            zero = (attrs & DmaAttrs.NO_KERNEL_MAPPING) == 0;
        }
        PhysicalMemory mem = machine.memory();
        List<DmaBufferImpl.Chunk> chunks = new ArrayList<>();
        List<MemorySegment> views = new ArrayList<>();
        long left = asize;
        boolean contiguous = true;
        for (Pages p : pages) {
            long used = Math.min(p.count(), left >>> Mm.PAGE_SHIFT);
            if (zero) {
                mem.zero(p.pfn(), p.count());
            }
            chunks.add(new DmaBufferImpl.Chunk(p.pfn(), p.count(), p.cma(), p.order()));
            views.add(mem.segment(p.pfn(), used));
            if (chunks.size() > 1) {
                DmaBufferImpl.Chunk prev = chunks.get(chunks.size() - 2);
                contiguous &= prev.pfn() + prev.pages() == p.pfn();
            }
            left -= Mm.pfnPhys(used);
        }
        MemorySegment cpu = null;
        Arena scope = null;
        long firstPfn = pages.getFirst().pfn();
        if ((attrs & DmaAttrs.NO_KERNEL_MAPPING) == 0 && contiguous && mem.isRam(firstPfn, asize >>> Mm.PAGE_SHIFT)) {
            cpu = mem.segment(firstPfn, asize >>> Mm.PAGE_SHIFT).asSlice(0, size);
            if (debug.enabled()) {
                // a second mapping of the same pages in its own scope, closed on free; a backing
                // that cannot alias leaves the plain slice (no CPU use-after-free detection)
                Arena own = Arena.ofShared();
                Optional<MemorySegment> alias = mem.alias(firstPfn, asize >>> Mm.PAGE_SHIFT, own);
                if (alias.isPresent()) {
                    scope = own;
                    cpu = alias.get().asSlice(0, size);
                    synchronized (aliases) {
                        aliases.put(cpu.address(), new long[] {size, Mm.pfnPhys(firstPfn)});
                    }
                } else {
                    own.close();
                }
            }
        }
        DmaBufferImpl b = new DmaBufferImpl(dev, dma, size, attrs, chunks, views, cpu, scope, managed, site);
        synchronized (live) {
            live.add(b);
        }
        if (managed) {
            synchronized (dev.devres) {
                dev.devres.add(b);
            }
        }
        if (debugTracked(b)) {
            debug.allocCoherent(dev, size, dma, b.phys(), site);
        } else {
            // no entry, but the range is live again: device accesses to it are no use after free
            debug.reused(dev, dma, size);
        }
        return Optional.of(b);
    }

    /**
     * Whether DMA-API debug knows the buffer: debug_dma_alloc_coherent and _free_coherent skip a
     * cookie that is no virtual address, the struct page that dma-direct returns for
     * DMA_ATTR_NO_KERNEL_MAPPING.
     */
    private static boolean debugTracked(DmaBufferImpl b) {
        return b.dev.iommu != null || (b.attrs & DmaAttrs.NO_KERNEL_MAPPING) == 0;
    }

    @Override
    public void freeAttrs(Device d, long size, DmaBuffer buf, long attrs) {
        DeviceImpl dev = dev(d);
        DmaBufferImpl b = buffer(buf);
        synchronized (live) {
            if (b.exported && !b.freed) {
                throw new IllegalStateException("dma_free_attrs: dev=" + dev.name() + " dma=" + Mm.pa(b.dma)
                        + " is exported as a dma-buf (expected: dma_buf_put)");
            }
        }
        if (debugTracked(b)) {
            debug.freeCoherent(dev, size, b.dma, b.phys());
        }
        synchronized (live) {
            if (b.freed || b.dev != dev || !live.contains(b)) {
                throw new IllegalStateException("dma_free_attrs: dev=" + dev.name() + " dma=" + Mm.pa(b.dma) + " size=" + size
                        + " (expected: a live allocation of this device; double free?)");
            }
        }
        release(b);
        if (b.managed) {
            synchronized (dev.devres) {
                dev.devres.remove(b);
            }
        }
    }

    /** Gives the buffer's pages back (dma_direct_free / iommu_dma_free). */
    void release(DmaBufferImpl b) {
        synchronized (live) {
            if (b.freed) {
                return;
            }
            b.freed = true;
            live.remove(b);
        }
        if (b.hasScope()) {
            synchronized (aliases) {
                aliases.remove(b.cpu().address());
            }
        }
        b.closeScope();
        DmaEvents.Free ev = new DmaEvents.Free();
        if (ev.shouldCommit()) {
            ev.device = b.dev.name();
            ev.dmaAddress = b.dma;
            ev.size = b.size;
            ev.commit();
        }
        if (b.dev.iommu != null) {
            long asize = Mm.alignUp(b.size, Mm.PAGE_SIZE);
            b.dev.iommu.unmap(b.dma, asize);
            b.dev.iommu.freeIova(b.dma);
        }
        for (DmaBufferImpl.Chunk c : b.chunks) {
            freePages(new Pages(c.pfn(), c.pages(), c.cma(), c.order()));
        }
    }

    /** The dma-buf's last reference went: free without the exporter's own checks. */
    void freeExported(DmaBufferImpl b) {
        if (debugTracked(b)) {
            debug.freeCoherent(b.dev, b.size, b.dma, b.phys());
        }
        release(b);
    }

    @Override
    public Optional<DmaBuffer> dmamAllocCoherent(Device d, long size, int gfp) {
        return alloc(dev(d), size, gfp, DmaAttrs.NONE, true, debug.site());
    }

    @Override
    public void dmamFreeCoherent(Device d, long size, DmaBuffer buf) {
        DmaBufferImpl b = buffer(buf);
        if (!b.managed) {
            throw new IllegalStateException("dmam_free_coherent: dma=" + Mm.pa(b.dma) + " (expected: a dmam_alloc_coherent buffer)");
        }
        freeAttrs(d, size, buf, DmaAttrs.NONE);
    }

    /* ---------------------------------------------------------------- streaming */

    /** The physical address of a segment of simulated RAM, or -1 for any other memory. */
    long ramPhys(MemorySegment seg) {
        if (!seg.isNative()) {
            return -1;
        }
        long a = seg.address();
        synchronized (aliases) {
            Map.Entry<Long, long[]> e = aliases.floorEntry(a);
            if (e != null && a - e.getKey() + seg.byteSize() <= e.getValue()[0]) {
                return e.getValue()[1] + (a - e.getKey());
            }
        }
        for (int i = 0; i < bankAddr.length; i++) {
            if (a >= bankAddr[i] && a - bankAddr[i] + seg.byteSize() <= bankLen[i]) {
                return bankPhys[i] + (a - bankAddr[i]);
            }
        }
        return -1;
    }

    /** dma_capable(). */
    private static boolean capable(DeviceImpl dev, long dma, long size) {
        if (dma == DMA_MAPPING_ERROR) {
            return false;
        }
        long end = dma + size - 1;
        if (Long.compareUnsigned(end, dma) < 0) {
            return false;
        }
        return Long.compareUnsigned(end, dev.limit(dev.dmaMask)) <= 0;
    }

    private String devPrefix(DeviceImpl dev) {
        return dev.driverName() + " " + dev.name() + ": ";
    }

    /** swiotlb_tbl_map_single(): the slot, with the original copied in; false when full. */
    private boolean swiotlbMap(DeviceImpl dev, Mapping m, long attrs) {
        if (slots == null) {
            log().warn(devPrefix(dev) + "Can not allocate SWIOTLB buffer earlier and can't now provide you with the DMA bounce buffer");
            return false;
        }
        long poolDma = dev.iommu != null ? swiotlbStart : dev.physToDma(swiotlbStart);
        int slot = slots.find(m.size, poolDma == DMA_MAPPING_ERROR ? 0 : poolDma, dev.segmentBoundaryMask());
        if (slot < 0) {
            if ((attrs & DmaAttrs.NO_WARN) == 0) {
                log().warn(devPrefix(dev) + "swiotlb buffer is full (sz: " + m.size + " bytes), total " + slots.nslabs()
                        + " (slots), used " + slots.used() + " (slots)");
            }
            return false;
        }
        m.slot = slot;
        m.tlbPhys = swiotlbStart + ((long) slot << SwiotlbSlots.IO_TLB_SHIFT);
        DmaEvents.SwiotlbBounced ev = new DmaEvents.SwiotlbBounced();
        if (ev.shouldCommit()) {
            ev.device = dev.name();
            ev.dmaAddress = m.phys < 0 ? -1 : dev.physToDma(m.phys);
            ev.size = m.size;
            ev.commit();
        }
        // 6.12 copies whatever the direction, so that a partial device write leaves the rest intact
        try {
            MemorySegment.copy(m.orig, 0, tlb(m), 0, m.size);
        } catch (RuntimeException | Error e) {
            // the original is gone (closed arena): the slot must not outlive the failed map
            slots.release(slot);
            m.slot = -1;
            m.tlbPhys = -1;
            throw e;
        }
        return true;
    }

    private MemorySegment tlb(Mapping m) {
        return swiotlbSeg.asSlice((long) m.slot << SwiotlbSlots.IO_TLB_SHIFT, m.size);
    }

    private void swiotlbUnmap(Mapping m, DmaDirection dir, long attrs) {
        try {
            if ((attrs & DmaAttrs.SKIP_CPU_SYNC) == 0 && (dir == DmaDirection.FROM_DEVICE || dir == DmaDirection.BIDIRECTIONAL)) {
                MemorySegment.copy(tlb(m), 0, m.orig, 0, m.size);
            }
        } finally {
            // a copy-back that throws (the original's arena closed) still gives the slot back
            slots.release(m.slot);
            m.slot = -1;
        }
    }

    /**
     * iommu_map() as the DMA layer calls it: false when the domain refuses (EBUSY for an IOVA
     * someone mapped through IommuDomain.map), which the caller turns into a mapping failure.
     */
    private static boolean iommuMap(DeviceImpl dev, long iova, long phys, long size, int prot) {
        try {
            dev.iommu.map(iova, phys, size, prot);
            return true;
        } catch (ErrnoException e) {
            return false;
        }
    }

    private static int prot(DmaDirection dir) {
        return (dir.deviceReads() ? IommuDomain.IOMMU_READ : 0) | (dir.deviceWrites() ? IommuDomain.IOMMU_WRITE : 0);
    }

    /**
     * dma_direct_map_page / iommu_dma_map_page for one buffer: fills m.dma, or returns false with
     * nothing left mapped.
     */
    private boolean mapOne(DeviceImpl dev, Mapping m, long attrs) {
        if (dev.iommu != null) {
            long p = m.phys;
            if (p < 0) {
                if (!swiotlbMap(dev, m, attrs)) {
                    return false;
                }
                p = m.tlbPhys;
            }
            long off = p & (Mm.PAGE_SIZE - 1);
            long len = Mm.alignUp(m.size + off, Mm.PAGE_SIZE);
            long iova = dev.iommu.allocIova(len, dev.limit(dev.dmaMask));
            if (iova < 0) {
                if (m.slot >= 0) {
                    swiotlbUnmap(m, m.dir, DmaAttrs.SKIP_CPU_SYNC);
                }
                return false;
            }
            if (!iommuMap(dev, iova, p - off, len, prot(m.dir))) {
                // __iommu_dma_map frees the IOVA; iommu_dma_map_page then frees the bounce slot
                dev.iommu.freeIova(iova);
                if (m.slot >= 0) {
                    swiotlbUnmap(m, m.dir, DmaAttrs.SKIP_CPU_SYNC);
                }
                return false;
            }
            m.iova = iova;
            m.iovaLen = len;
            m.dma = iova + off;
            return true;
        }
        if (m.phys >= 0 && !swiotlbForce) {
            long dma = dev.physToDma(m.phys);
            if (capable(dev, dma, m.size)) {
                m.dma = dma;
                return true;
            }
            if (slots == null) {
                log().warn(devPrefix(dev) + "DMA addr " + Mm.pa(dma) + "+" + m.size + " overflow (mask "
                        + Long.toHexString(dev.dmaMask) + ", bus limit " + Long.toHexString(dev.busDmaLimit()) + ").");
                return false;
            }
        }
        if (!swiotlbMap(dev, m, attrs)) {
            return false;
        }
        long dma = dev.physToDma(m.tlbPhys);
        if (!capable(dev, dma, m.size)) {
            swiotlbUnmap(m, m.dir, DmaAttrs.SKIP_CPU_SYNC);
            log().warn(devPrefix(dev) + "swiotlb addr " + Mm.pa(dma) + "+" + m.size + " overflow (mask "
                    + Long.toHexString(dev.dmaMask) + ", bus limit " + Long.toHexString(dev.busDmaLimit()) + ").");
            return false;
        }
        m.dma = dma;
        return true;
    }

    private void unmapOne(Mapping m, DmaDirection dir, long attrs) {
        if (m.iova >= 0 && m.dev.iommu != null) {
            m.dev.iommu.unmap(m.iova, m.iovaLen);
            m.dev.iommu.freeIova(m.iova);
            m.iova = -1;
        }
        if (m.slot >= 0) {
            swiotlbUnmap(m, dir, attrs);
        }
    }

    /** Undoes the entries of a list mapped so far, when a later entry failed or threw. */
    private void unmapAll(List<Mapping> ms, DmaDirection dir) {
        ms.forEach(x -> unmapOne(x, dir, DmaAttrs.SKIP_CPU_SYNC));
    }

    private static void checkDir(DmaDirection dir) {
        if (dir == null || !dir.valid()) {
            throw new IllegalArgumentException("dir: " + dir + " (expected: a valid dma_data_direction)");
        }
    }

    private Mapping newMapping(DeviceImpl dev, MemorySegment seg, long phys, DmaDirection dir, String site) {
        Mapping m = new Mapping();
        m.dev = dev;
        m.orig = seg;
        m.size = seg.byteSize();
        m.phys = phys;
        m.dir = dir;
        m.site = site;
        return m;
    }

    @Override
    public long mapSingleAttrs(Device d, MemorySegment buf, DmaDirection dir, long attrs) {
        DeviceImpl dev = dev(d);
        checkDir(dir);
        if (buf.byteSize() == 0) {
            throw new IllegalArgumentException("size: 0 (expected: > 0)");
        }
        return mapSegment(dev, buf, ramPhys(buf), dir, attrs, debug.site());
    }

    @Override
    public long mapPage(Device d, long pfn, long offset, long size, DmaDirection dir, long attrs) {
        DeviceImpl dev = dev(d);
        checkDir(dir);
        if (size <= 0 || offset < 0) {
            throw new IllegalArgumentException("size: " + size + " offset: " + offset + " (expected: size > 0, offset >= 0)");
        }
        // a pfn whose address does not fit would wrap (2^52 << PAGE_SHIFT is 0) onto unrelated RAM
        if (pfn < 0 || pfn > Long.MAX_VALUE >>> Mm.PAGE_SHIFT) {
            throw new IllegalArgumentException("pfn: " + pfn + " (expected: 0..0x"
                    + Long.toHexString(Long.MAX_VALUE >>> Mm.PAGE_SHIFT) + ", a physical address that fits)");
        }
        long phys;
        long end;
        try {
            phys = Math.addExact(Mm.pfnPhys(pfn), offset);
            end = Math.addExact(phys, size);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("pfn: " + pfn + " offset: " + offset + " size: " + size
                    + " (expected: an end address that fits)");
        }
        long first = Mm.pfnDown(phys);
        long count = Mm.pfnUp(end) - first;
        if (!machine.memory().isRam(first, count)) {
            throw new IllegalArgumentException("pfn: " + pfn + " offset: " + offset + " size: " + size
                    + " (expected: RAM of one bank)");
        }
        MemorySegment seg = machine.memory().segment(first, count).asSlice(phys & (Mm.PAGE_SIZE - 1), size);
        return mapSegment(dev, seg, phys, dir, attrs, debug.site());
    }

    private long mapSegment(DeviceImpl dev, MemorySegment seg, long phys, DmaDirection dir, long attrs, String site) {
        Mapping m = newMapping(dev, seg, phys, dir, site);
        boolean ok = mapOne(dev, m, attrs);
        DmaEvents.MapPage ev = new DmaEvents.MapPage();
        if (ev.shouldCommit()) {
            ev.device = dev.name();
            ev.physAddress = phys;
            ev.dmaAddress = ok ? m.dma : DMA_MAPPING_ERROR;
            ev.size = m.size;
            ev.direction = dir.kernelName();
            ev.bounced = m.slot >= 0;
            ev.commit();
        }
        if (!ok) {
            return DMA_MAPPING_ERROR;
        }
        synchronized (singles) {
            singles.computeIfAbsent(dev, k -> new TreeMap<>()).computeIfAbsent(m.dma, k -> new ArrayList<>()).add(m);
        }
        debug.mapPage(dev, phys >= 0 ? phys : m.tlbPhys, m.size, dir, m.dma, site);
        return m.dma;
    }

    @Override
    public void unmapSingleAttrs(Device d, long dma, long size, DmaDirection dir, long attrs) {
        DeviceImpl dev = dev(d);
        checkDir(dir);
        debug.unmapPage(dev, dma, size, dir);
        Mapping m;
        synchronized (singles) {
            TreeMap<Long, List<Mapping>> t = singles.get(dev);
            List<Mapping> l = t == null ? null : t.get(dma);
            if (l == null || l.isEmpty()) {
                throw new IllegalStateException("dma_unmap_single: dev=" + dev.name() + " dma=" + Mm.pa(dma) + " size=" + size
                        + " (expected: a live mapping of this device; double unmap?)");
            }
            m = l.stream().filter(x -> x.size == size).findFirst().orElse(l.getFirst());
            l.remove(m);
            if (l.isEmpty()) {
                t.remove(dma);
            }
        }
        unmapOne(m, dir, attrs);
        DmaEvents.UnmapPage ev = new DmaEvents.UnmapPage();
        if (ev.shouldCommit()) {
            ev.device = dev.name();
            ev.dmaAddress = dma;
            ev.size = size;
            ev.direction = dir.kernelName();
            ev.commit();
        }
    }

    @Override
    public boolean mappingError(Device d, long dma) {
        debug.mappingError(dev(d), dma);
        return dma == DMA_MAPPING_ERROR;
    }

    /** The single or scatterlist-entry mapping holding [dma, dma + size), as swiotlb_find_pool sees it. */
    private Mapping findContaining(DeviceImpl dev, long dma, long size) {
        synchronized (singles) {
            Mapping m = findIn(singles.get(dev), dma, size);
            return m != null ? m : findIn(sgEntries.get(dev), dma, size);
        }
    }

    private static Mapping findIn(TreeMap<Long, List<Mapping>> t, long dma, long size) {
        if (t == null) {
            return null;
        }
        for (Map.Entry<Long, List<Mapping>> e : t.headMap(dma, true).descendingMap().entrySet()) {
            for (Mapping m : e.getValue()) {
                if (m.dma <= dma && dma + size <= m.dma + m.size) {
                    return m;
                }
            }
        }
        return null;
    }

    private void indexSg(DeviceImpl dev, List<Mapping> ms) {
        synchronized (singles) {
            TreeMap<Long, List<Mapping>> t = sgEntries.computeIfAbsent(dev, k -> new TreeMap<>());
            for (Mapping m : ms) {
                t.computeIfAbsent(m.dma, k -> new ArrayList<>()).add(m);
            }
        }
    }

    private void unindexSg(DeviceImpl dev, List<Mapping> ms) {
        synchronized (singles) {
            TreeMap<Long, List<Mapping>> t = sgEntries.get(dev);
            if (t == null) {
                return;
            }
            for (Mapping m : ms) {
                List<Mapping> l = t.get(m.dma);
                if (l != null) {
                    l.remove(m);
                    if (l.isEmpty()) {
                        t.remove(m.dma);
                    }
                }
            }
        }
    }

    /** swiotlb_sync_single_for_cpu / _for_device on the part [dma, dma + size) of a bounce mapping. */
    private void bounce(Mapping m, long dma, long size, boolean toCpu) {
        if (m == null || m.slot < 0) {
            return;
        }
        long off = dma - m.dma;
        long n = Math.min(size, m.size - off);
        if (n <= 0) {
            return;
        }
        if (toCpu) {
            MemorySegment.copy(tlb(m), off, m.orig, off, n);
        } else {
            MemorySegment.copy(m.orig, off, tlb(m), off, n);
        }
    }

    @Override
    public void syncSingleForCpu(Device d, long dma, long size, DmaDirection dir) {
        DeviceImpl dev = dev(d);
        checkDir(dir);
        debug.sync(dev, DmaDebugImpl.SINGLE, dma, size, dir, true, 0);
        if (dir == DmaDirection.FROM_DEVICE || dir == DmaDirection.BIDIRECTIONAL) {
            bounce(findContaining(dev, dma, size), dma, size, true);
        }
    }

    @Override
    public void syncSingleForDevice(Device d, long dma, long size, DmaDirection dir) {
        DeviceImpl dev = dev(d);
        checkDir(dir);
        debug.sync(dev, DmaDebugImpl.SINGLE, dma, size, dir, false, 0);
        if (dir == DmaDirection.TO_DEVICE || dir == DmaDirection.BIDIRECTIONAL) {
            bounce(findContaining(dev, dma, size), dma, size, false);
        }
    }

    /* ---------------------------------------------------------------- scatterlists */

    private static ScatterlistImpl sg(Scatterlist s) {
        if (!(s instanceof ScatterlistImpl si)) {
            throw new IllegalArgumentException("scatterlist: " + s + " (expected: a Scatterlist.of/fromPages list)");
        }
        return si;
    }

    @Override
    public int mapSg(Device d, Scatterlist list, int nents, DmaDirection dir, long attrs) {
        DeviceImpl dev = dev(d);
        checkDir(dir);
        ScatterlistImpl s = sg(list);
        if (nents < 1 || nents > s.nents()) {
            throw new IllegalArgumentException("nents: " + nents + " (expected: 1.." + s.nents() + ")");
        }
        String site = debug.site();
        synchronized (s) {
            if (s.mapped != 0) {
                throw new IllegalStateException("dma_map_sg: the list is already mapped by " + s.mappedBy.name());
            }
            List<Mapping> ms = new ArrayList<>();
            long[] phys = new long[nents];
            int count;
            if (dev.iommu == null) {
                for (int i = 0; i < nents; i++) {
                    phys[i] = ramPhys(s.bufs[i]);
                    Mapping m = newMapping(dev, s.bufs[i], phys[i], dir, site);
                    boolean ok;
                    try {
                        ok = mapOne(dev, m, attrs);
                    } catch (RuntimeException e) {
                        unmapAll(ms, dir);
                        throw e;
                    }
                    if (!ok) {
                        unmapAll(ms, dir);
                        return 0;
                    }
                    ms.add(m);
                    s.dmaAddr[i] = m.dma;
                    s.dmaLen[i] = m.size;
                }
                count = nents;
            } else {
                count = iommuMapSg(dev, s, nents, dir, attrs, ms, phys, site);
                if (count == 0) {
                    return 0;
                }
            }
            for (int i = 0; i < nents; i++) {
                if (phys[i] < 0) {
                    phys[i] = ms.get(i).tlbPhys;
                }
            }
            s.mapped = count;
            s.mappings = ms;
            s.mappedBy = dev;
            indexSg(dev, ms);
            debug.mapSg(dev, s, nents, count, dir, phys, site);
            return count;
        }
    }

    /** iommu_dma_map_sg() and __finalise_sg(): one IOVA range, segments merged where they can. */
    private int iommuMapSg(DeviceImpl dev, ScatterlistImpl s, int nents, DmaDirection dir, long attrs,
                           List<Mapping> ms, long[] phys, String site) {
        long total = 0;
        long[] off = new long[nents];
        long[] padded = new long[nents];
        long[] p = new long[nents];
        for (int i = 0; i < nents; i++) {
            phys[i] = ramPhys(s.bufs[i]);
            Mapping m = newMapping(dev, s.bufs[i], phys[i], dir, site);
            boolean ok;
            try {
                ok = phys[i] >= 0 || swiotlbMap(dev, m, attrs);
            } catch (RuntimeException e) {
                unmapAll(ms, dir);
                throw e;
            }
            if (!ok) {
                unmapAll(ms, dir);
                return 0;
            }
            ms.add(m);
            p[i] = phys[i] >= 0 ? phys[i] : m.tlbPhys;
            off[i] = p[i] & (Mm.PAGE_SIZE - 1);
            padded[i] = Mm.alignUp(m.size + off[i], Mm.PAGE_SIZE);
            total += padded[i];
        }
        long iova = dev.iommu.allocIova(total, dev.limit(dev.dmaMask));
        if (iova < 0) {
            unmapAll(ms, dir);
            return 0;
        }
        long at = iova;
        for (int i = 0; i < nents; i++) {
            if (!iommuMap(dev, at, p[i] - off[i], padded[i], prot(dir))) {
                // iommu_map_sg unmaps what it mapped; iommu_dma_map_sg frees the IOVA and fails
                if (at > iova) {
                    dev.iommu.unmap(iova, at - iova);
                }
                dev.iommu.freeIova(iova);
                unmapAll(ms, dir);
                return 0;
            }
            ms.get(i).dma = at + off[i];
            at += padded[i];
        }
        ms.getFirst().iova = iova;
        ms.getFirst().iovaLen = total;
        int count = 0;
        long curLen = 0;
        long seg = iova;
        long maxLen = dev.maxSegmentSize();
        for (int i = 0; i < nents; i++) {
            long len = ms.get(i).size;
            if (curLen != 0 && off[i] == 0 && (seg & dev.segmentBoundaryMask()) != 0 && maxLen - curLen >= len) {
                curLen += len;
            } else {
                count++;
                curLen = len;
                s.dmaAddr[count - 1] = seg + off[i];
            }
            s.dmaLen[count - 1] = curLen;
            seg += padded[i];
            if (len + off[i] < padded[i]) {
                curLen = 0;
            }
        }
        return count;
    }

    @Override
    public void unmapSg(Device d, Scatterlist list, int nents, DmaDirection dir, long attrs) {
        DeviceImpl dev = dev(d);
        checkDir(dir);
        ScatterlistImpl s = sg(list);
        synchronized (s) {
            debug.unmapSg(dev, s, Math.min(nents, s.nents()), dir);
            if (s.mapped == 0 || s.mappedBy != dev) {
                throw new IllegalStateException("dma_unmap_sg: dev=" + dev.name() + " (expected: a list this device mapped)");
            }
            unindexSg(dev, s.mappings);
            // every entry is released even when one copy-back throws; the first failure is rethrown
            RuntimeException failure = null;
            for (Mapping m : s.mappings) {
                try {
                    unmapOne(m, dir, attrs);
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            s.mapped = 0;
            s.mappings = null;
            s.mappedBy = null;
            java.util.Arrays.fill(s.dmaAddr, 0);
            java.util.Arrays.fill(s.dmaLen, 0);
            if (failure != null) {
                throw failure;
            }
        }
    }

    private void syncSg(Device d, Scatterlist list, int nents, DmaDirection dir, boolean toCpu) {
        DeviceImpl dev = dev(d);
        checkDir(dir);
        ScatterlistImpl s = sg(list);
        synchronized (s) {
            if (debug.enabled()) {
                // debug_dma_sync_sg_*: entries past the mapped count, or all when none is
                // mapped, are not checked
                int mapped = debug.mappedEntries(dev, s.dmaAddr[0]);
                for (int i = 0; i < Math.min(nents, mapped); i++) {
                    debug.sync(dev, DmaDebugImpl.SG, s.dmaAddr[i], s.dmaLen[i], dir, toCpu, nents);
                }
            }
            if (s.mappedBy != dev || s.mappings == null) {
                return;
            }
            boolean copy = toCpu ? dir == DmaDirection.FROM_DEVICE || dir == DmaDirection.BIDIRECTIONAL
                    : dir == DmaDirection.TO_DEVICE || dir == DmaDirection.BIDIRECTIONAL;
            if (copy) {
                for (Mapping m : s.mappings) {
                    bounce(m, m.dma, m.size, toCpu);
                }
            }
        }
    }

    @Override
    public void syncSgForCpu(Device d, Scatterlist sg, int nents, DmaDirection dir) {
        syncSg(d, sg, nents, dir, true);
    }

    @Override
    public void syncSgForDevice(Device d, Scatterlist sg, int nents, DmaDirection dir) {
        syncSg(d, sg, nents, dir, false);
    }

    /* ---------------------------------------------------------------- pools and dma-buf */

    @Override
    public Optional<DmaPool> poolCreate(String name, Device d, long size, long align, long boundary) {
        if (d == null) {
            return Optional.empty();
        }
        return DmaPoolImpl.create(this, name, dev(d), size, align, boundary, false);
    }

    @Override
    public Optional<DmaPool> dmamPoolCreate(String name, Device d, long size, long align, long boundary) {
        if (d == null) {
            return Optional.empty();
        }
        return DmaPoolImpl.create(this, name, dev(d), size, align, boundary, true);
    }

    @Override
    public DmaBuf bufExport(DmaBuffer buf) {
        DmaBufferImpl b = buffer(buf);
        synchronized (live) {
            if (b.freed || b.exported) {
                throw new IllegalStateException("dma_buf_export: " + b + " (expected: a live buffer not yet exported)");
            }
            b.exported = true;
        }
        return new DmaBufImpl(this, b);
    }
}

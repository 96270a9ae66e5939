package io.jcma.dma.internal;

import io.jcma.cma.boot.Machine;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.cma.mm.Gfp;
import io.jcma.cma.mm.Mm;
import io.jcma.dma.Device;
import io.jcma.dma.Dma;
import io.jcma.dma.DmaAttrs;
import io.jcma.dma.DmaBuf;
import io.jcma.dma.DmaBuffer;
import io.jcma.dma.DmaDebug;
import io.jcma.dma.DmaDirection;
import io.jcma.dma.DmaOptions;
import io.jcma.dma.DmaPool;
import io.jcma.dma.MemoryRegion;
import io.jcma.dma.Scatterlist;
import io.jcma.dma.internal.debug.DmaDebugFs;
import io.jcma.dma.internal.debug.DmaDebugImpl;
import io.jcma.dma.internal.iommu.IommuDomainImpl;
import io.jcma.dma.internal.swiotlb.Swiotlb;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Mirrors kernel/dma/mapping.c: the dispatcher of the DMA API. Each call validates its
 * arguments (a device, buffer or list of this layer, a valid direction, a positive size), takes
 * the device's ops ({@link DmaMapOps}, chosen once when the device was built: {@link DirectOps}
 * or {@link IommuDmaOps}), traces ({@link DmaEvents}) and calls the DMA-API debug hooks
 * ({@link DmaDebugImpl}); the work is the ops'. Beside them it keeps what the kernel keeps
 * elsewhere: the live streaming mappings ({@link MappingTable}), the live coherent buffers (so
 * that a double free is refused even with debug off), the device registry and driver binding
 * ({@link DriverCore}), and the bus ({@link Iomem}).
 *
 * <h2>Lock order</h2>
 * Monitors are taken only in this order (a lock further down is never held while taking one
 * further up); none is held while the KernelLog or KernelFs is called, except where noted.
 * <ol>
 *   <li>{@code DeviceImpl.deviceLock}: bind and unbind, whole (device_lock).</li>
 *   <li>{@code DmaBufImpl.AttachmentImpl} (this): one attachment's map, unmap, detach.</li>
 *   <li>{@code ScatterlistImpl} (this): held across a map, unmap or sync of that list, so under
 *       it the ops take 7-9 and the table and debug take 5 and 6.</li>
 *   <li>{@code DmaPoolImpl} (this), {@code DmaBufImpl} (this), {@code DeviceImpl.pools},
 *       {@code DeviceImpl.devres}, {@link #live}: short sections that call nothing; never two
 *       of them at once.</li>
 *   <li>{@link MappingTable} (this), {@link Iomem} (this): lookups only.</li>
 *   <li>{@link DmaDebugImpl} (this): entries and counters; reports are logged after it is
 *       released.</li>
 *   <li>swiotlb: {@code SwiotlbSlots} (this).</li>
 *   <li>IOMMU: {@code IommuDomainImpl.lock} (page table), then {@code IovaAllocator} (this),
 *       never both at once.</li>
 *   <li>cma-core, taken inside Cma.alloc/release and the page allocator when the ops ask for
 *       pages: the CMA area's lock and the page allocator's zone lock, each a leaf (cma_alloc
 *       drops the area lock before it calls alloc_contig_range), and CmaAreas' counters.
 *       KernelLog and KernelFs, leaves too, are called with nothing of this layer held but
 *       1-3 (a report or a warning under a list's monitor, a pools file removed at unbind).</li>
 * </ol>
 *
 * <p>Failures that the kernel returns as NULL or DMA_MAPPING_ERROR are results (empty,
 * {@link Dma#DMA_MAPPING_ERROR}); misuse is an exception after DMA-API debug has reported it.
 */
public final class DmaImpl implements Dma {
    private final Machine machine;
    private final DmaOptions options;
    private final DmaDebugImpl debug;
    private final Swiotlb swiotlb;
    private final Iomem iomem;
    private final Contiguous contiguous;
    private final DirectOps directOps;
    private final DriverCore drivers = new DriverCore(this);
    private final MappingTable table = new MappingTable();
    /** The live coherent buffers (guards their freed and exported flags). */
    private final Set<DmaBufferImpl> live = Collections.newSetFromMap(new IdentityHashMap<>());

    private DmaImpl(Machine machine, DmaOptions options, Optional<Swiotlb.Reservation> r) {
        this.machine = machine;
        this.options = options;
        boolean off = machine.cmdline().all("dma_debug").stream()
                .anyMatch(p -> p.value() != null && p.value().startsWith("off"));
        if (options.debug() && off) {
            machine.log().info("DMA-API: debugging disabled on kernel command line");
        }
        this.debug = new DmaDebugImpl(options.debug() && !off, machine.log());
        this.swiotlb = Swiotlb.create(machine, r);
        this.iomem = new Iomem(machine.memory());
        this.contiguous = new Contiguous(machine);
        this.directOps = new DirectOps(machine, contiguous, swiotlb);
    }

    /**
     * The layer of a booted machine, with its debugfs files (dma_debug_init); the swiotlb pool
     * is the one {@code r} reserved during boot, none without.
     */
    public static DmaImpl create(Machine machine, DmaOptions options, Optional<Swiotlb.Reservation> r) {
        // CMA's allocation owners name the driver calling the DMA API, not the DMA layer
        machine.cma().addLayerAbove(Dma.class);
        DmaImpl d = new DmaImpl(machine, options, r);
        DmaDebugFs.register(machine.fs(), d.debug);
        if (d.debug.enabled()) {
            machine.log().info("DMA-API: debugging enabled by kernel config");
        }
        return d;
    }

    /**
     * iommu_setup_dma_ops() / dma-direct: the ops of a new device, chosen once; the one place
     * that asks whether a device sits behind an IOMMU.
     */
    DmaMapOps chooseOps(IommuDomainImpl domain) {
        return domain == null ? directOps : new IommuDmaOps(machine, contiguous, swiotlb, domain);
    }

    DmaDebugImpl debugImpl() {
        return debug;
    }

    Iomem iomem() {
        return iomem;
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
        return swiotlb.info();
    }

    @Override
    public void requestMemRegion(long start, MemoryRegion region) {
        iomem.request(start, region);
    }

    @Override
    public void releaseMemRegion(MemoryRegion region) {
        iomem.release(region);
    }

    DeviceImpl dev(Device d) {
        if (!(d instanceof DeviceImpl di) || di.layer != this) {
            throw new IllegalArgumentException("device: " + d + " (expected: a device of this DMA layer)");
        }
        return di;
    }

    private DmaBufferImpl buffer(DmaBuffer b) {
        if (!(b instanceof DmaBufferImpl bi) || bi.dev.layer != this) {
            throw new IllegalArgumentException("buffer: " + b + " (expected: a buffer of this DMA layer)");
        }
        return bi;
    }

    private static ScatterlistImpl sg(Scatterlist s) {
        if (!(s instanceof ScatterlistImpl si)) {
            throw new IllegalArgumentException("scatterlist: " + s + " (expected: a Scatterlist.of/fromPages list)");
        }
        return si;
    }

    private static void checkDir(DmaDirection dir) {
        if (dir == null || !dir.valid()) {
            throw new IllegalArgumentException("dir: " + dir + " (expected: a valid dma_data_direction)");
        }
    }

    @Override
    public Device.Builder newDevice(String name) {
        return new DeviceImpl.B(this, name);
    }

    DeviceImpl register(DeviceImpl d) {
        return drivers.add(d);
    }

    @Override
    public void bind(Device d, String driver) {
        drivers.bind(dev(d), driver);
    }

    @Override
    public void unbind(Device d) {
        drivers.unbind(dev(d));
    }

    /** dma_supported(). */
    @Override
    public boolean supported(Device d, long mask) {
        DeviceImpl di = dev(d);
        return di.ops().supported(di, mask);
    }

    private ErrnoException eio(String fn, DeviceImpl di, long mask) {
        return new ErrnoException(Errno.EIO, fn + ": dev=" + di.name() + " mask=0x" + Long.toHexString(mask)
                + " (expected: >= 0x" + Long.toHexString(di.ops().minMask(di)) + ", the lowest memory it can be given)");
    }

    @Override
    public void setMask(Device d, long mask) {
        DeviceImpl di = dev(d);
        if (!di.ops().supported(di, mask)) {
            throw eio("dma_set_mask", di, mask);
        }
        di.setDmaMask(mask);
    }

    @Override
    public void setCoherentMask(Device d, long mask) {
        DeviceImpl di = dev(d);
        if (!di.ops().supported(di, mask)) {
            throw eio("dma_set_coherent_mask", di, mask);
        }
        di.setCoherentDmaMask(mask);
    }

    @Override
    public void setMaskAndCoherent(Device d, long mask) {
        setMask(d, mask);
        setCoherentMask(d, mask);
    }

    @Override
    public Optional<DmaBuffer> allocAttrs(Device d, long size, int gfp, long attrs) {
        return alloc(dev(d), size, gfp, attrs, false, debug.site());
    }

    /** dma_alloc_attrs(), traced as the dma_alloc tracepoint. */
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
        // dma_alloc_attrs: the zone comes from the mask, never from the caller
        gfp &= ~(Gfp.DMA | Gfp.DMA32 | Gfp.ZERO);
        if ((attrs & DmaAttrs.NO_WARN) != 0) {
            gfp |= Gfp.NOWARN;
        }
        long asize = Mm.alignUp(size, Mm.PAGE_SIZE);
        Optional<DmaMapOps.Coherent> got = dev.ops().alloc(dev, asize, gfp, attrs);
        if (got.isEmpty()) {
            return Optional.empty();
        }
        DmaBufferImpl b = DmaBufferImpl.create(dev, size, attrs, got.get(), managed, site);
        synchronized (live) {
            live.add(b);
        }
        if (managed) {
            dev.devresAdd(b);
        }
        if (b.debugTracked) {
            debug.allocCoherent(dev, size, b.dma, b.phys(), attrs, site);
        } else {
            // no entry, but the range is live again: device accesses to it are no use after free
            debug.reused(dev, b.dma, size);
        }
        return Optional.of(b);
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
        if (b.debugTracked) {
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
            dev.devresRemove(b);
        }
    }

    /** Gives the buffer's memory back through its device's ops, once (dma_free_attrs' work). */
    void release(DmaBufferImpl b) {
        synchronized (live) {
            if (b.freed) {
                return;
            }
            b.freed = true;
            live.remove(b);
        }
        if (b.hasScope()) {
            iomem.removeAlias(b.cpu());
        }
        b.closeScope();
        DmaEvents.Free ev = new DmaEvents.Free();
        if (ev.shouldCommit()) {
            ev.device = b.dev.name();
            ev.dmaAddress = b.dma;
            ev.size = b.size;
            ev.commit();
        }
        b.dev.ops().free(b);
    }

    /** dma_free_attrs() for a managed buffer at unbind, or a dma-buf's last reference. */
    void releaseChecked(DmaBufferImpl b) {
        if (b.debugTracked) {
            debug.freeCoherent(b.dev, b.size, b.dma, b.phys());
        }
        release(b);
    }

    /** dma_buf_export(): marks the buffer exported, so that only the dma-buf frees it. */
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

    @Override
    public Optional<DmaBuffer> dmamAllocCoherent(Device d, long size, int gfp) {
        return alloc(dev(d), size, gfp, DmaAttrs.NONE, true, debug.site());
    }

    @Override
    public void dmamFreeCoherent(Device d, long size, DmaBuffer buf) {
        dev(d);
        DmaBufferImpl b = buffer(buf);
        if (!b.managed) {
            throw new IllegalStateException("dmam_free_coherent: dma=" + Mm.pa(b.dma) + " (expected: a dmam_alloc_coherent buffer)");
        }
        freeAttrs(d, size, buf, DmaAttrs.NONE);
    }

    private Mapping.Request request(DeviceImpl dev, MemorySegment seg, OptionalLong phys, DmaDirection dir,
                                    String site) {
        return new Mapping.Request(dev, seg, phys, dir, site);
    }

    @Override
    public long mapSingleAttrs(Device d, MemorySegment buf, DmaDirection dir, long attrs) {
        DeviceImpl dev = dev(d);
        checkDir(dir);
        if (buf.byteSize() == 0) {
            throw new IllegalArgumentException("size: 0 (expected: > 0)");
        }
        return mapPage(request(dev, buf, iomem.phys(buf), dir, debug.site()), attrs);
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
        return mapPage(request(dev, seg, OptionalLong.of(phys), dir, debug.site()), attrs);
    }

    /** dma_map_page_attrs(): the ops map, the dma_map_page tracepoint, debug_dma_map_page. */
    private long mapPage(Mapping.Request r, long attrs) {
        DeviceImpl dev = r.dev();
        Optional<Mapping> m = dev.ops().mapPage(r, attrs);
        DmaEvents.MapPage ev = new DmaEvents.MapPage();
        if (ev.shouldCommit()) {
            ev.device = dev.name();
            ev.physAddress = r.phys().orElse(-1);
            ev.dmaAddress = m.map(Mapping::dma).orElse(DMA_MAPPING_ERROR);
            ev.size = r.size();
            ev.direction = r.dir().kernelName();
            ev.bounced = m.flatMap(Mapping::bounce).isPresent();
            ev.commit();
        }
        if (m.isEmpty()) {
            return DMA_MAPPING_ERROR;
        }
        table.addSingle(m.get());
        debug.mapPage(dev, m.get().debugPhys(), r.size(), r.dir(), m.get().dma(), attrs, r.site());
        return m.get().dma();
    }

    /** dma_unmap_page_attrs(): debug_dma_unmap_page first, then the ops, then the tracepoint. */
    @Override
    public void unmapSingleAttrs(Device d, long dma, long size, DmaDirection dir, long attrs) {
        DeviceImpl dev = dev(d);
        checkDir(dir);
        debug.unmapPage(dev, dma, size, dir);
        Mapping m = table.removeSingle(dev, dma, size).orElseThrow(() -> new IllegalStateException(
                "dma_unmap_single: dev=" + dev.name() + " dma=" + Mm.pa(dma) + " size=" + size
                        + " (expected: a live mapping of this device; double unmap?)"));
        dev.ops().unmapPage(m, size, dir, attrs);
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

    /**
     * dma_sync_single_for_cpu() / _for_device(): the bounce copy of the mapping {@code dma} lies
     * in (is_swiotlb_buffer() asks only where the sync starts), then debug_dma_sync_single_*.
     */
    private void syncSingle(Device d, long dma, long size, DmaDirection dir, boolean toCpu) {
        DeviceImpl dev = dev(d);
        checkDir(dir);
        if (toCpu ? dir.deviceWrites() : dir.deviceReads()) {
            table.findContaining(dev, dma, 1).ifPresent(m -> m.sync(swiotlb, dma, size, toCpu));
        }
        debug.sync(dev, DmaDebugImpl.Type.SINGLE, dma, size, dir, toCpu, 0);
    }

    @Override
    public void syncSingleForCpu(Device d, long dma, long size, DmaDirection dir) {
        syncSingle(d, dma, size, dir, true);
    }

    @Override
    public void syncSingleForDevice(Device d, long dma, long size, DmaDirection dir) {
        syncSingle(d, dma, size, dir, false);
    }

    /** dma_map_sg_attrs(): the ops map the list under its monitor, then debug_dma_map_sg. */
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
            List<Mapping.Request> entries = new ArrayList<>();
            for (int i = 0; i < nents; i++) {
                entries.add(request(dev, s.bufs[i], iomem.phys(s.bufs[i]), dir, site));
            }
            Optional<DmaMapOps.SgMapped> got = dev.ops().mapSg(s, entries, attrs);
            if (got.isEmpty()) {
                return 0;
            }
            List<Mapping> ms = got.get().entries();
            s.mapped = got.get().segments();
            s.mappings = ms;
            s.mappedBy = dev;
            table.addSg(ms);
            debug.mapSg(dev, s, nents, s.mapped, dir, ms.stream().mapToLong(Mapping::debugPhys).toArray(), attrs,
                    site);
            return s.mapped;
        }
    }

    /** dma_unmap_sg_attrs(): debug_dma_unmap_sg first, then the ops. */
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
            List<Mapping> ms = s.mappings;
            table.removeSg(ms);
            s.clearMapping();
            dev.ops().unmapSg(ms, dir, attrs);
        }
    }

    /** dma_sync_sg_for_cpu() / _for_device(). */
    private void syncSg(Device d, Scatterlist list, int nents, DmaDirection dir, boolean toCpu) {
        DeviceImpl dev = dev(d);
        checkDir(dir);
        ScatterlistImpl s = sg(list);
        synchronized (s) {
            if (debug.enabled()) {
                // debug_dma_sync_sg_*: entries past the mapped count, or all when none is
                // mapped, are not checked
                int mapped = debug.mappedEntries(dev, s.dmaAddress(0));
                for (int i = 0; i < Math.min(nents, mapped); i++) {
                    debug.sync(dev, DmaDebugImpl.Type.SG, s.dmaAddress(i), s.dmaLength(i), dir, toCpu, nents);
                }
            }
            if (s.mappedBy != dev || s.mappings == null) {
                return;
            }
            if (toCpu ? dir.deviceWrites() : dir.deviceReads()) {
                for (Mapping m : s.mappings) {
                    m.sync(swiotlb, m.dma(), m.size(), toCpu);
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
}

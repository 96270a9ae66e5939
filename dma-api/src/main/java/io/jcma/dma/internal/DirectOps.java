package io.jcma.dma.internal;

import io.jcma.cma.boot.Machine;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.cma.mm.Gfp;
import io.jcma.cma.mm.Mm;
import io.jcma.dma.Dma;
import io.jcma.dma.DmaAttrs;
import io.jcma.dma.DmaDirection;
import io.jcma.dma.DmaStatus;
import io.jcma.dma.internal.swiotlb.Swiotlb;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Mirrors kernel/dma/direct.c (and direct.h): the ops of every device without an IOMMU, whose
 * DMA addresses are physical addresses minus the bus offset (phys_to_dma).
 *
 * <h2>Coherent allocation (dma_direct_alloc, __dma_direct_alloc_pages)</h2>
 * <ol>
 *   <li>The dispatcher has page-aligned the size and dropped the caller's zone modifiers
 *       (dma_alloc_attrs).</li>
 *   <li>gfp gets the zone the coherent mask falls in (dma_direct_optimal_gfp_mask): GFP_DMA if
 *       the mask's physical limit is within ZONE_DMA, GFP_DMA32 if within 4 GiB.</li>
 *   <li>CMA first, as {@link Contiguous} chooses the area (dma_alloc_contiguous).</li>
 *   <li>The result must satisfy dma + size - 1 &lt;= min_not_zero(coherent mask, bus limit)
 *       (dma_coherent_ok), else it goes back.</li>
 *   <li>Otherwise alloc_pages(get_order(size)) (orders above MAX_PAGE_ORDER fail); memory the
 *       mask cannot reach is freed and the allocation retried with GFP_DMA32, then GFP_DMA.</li>
 *   <li>The memory is zeroed (discarded where the backing can), unless NO_KERNEL_MAPPING.</li>
 * </ol>
 *
 * <h2>Streaming (dma_direct_map_page, swiotlb_map)</h2>
 * Memory that is not simulated RAM, that the mask cannot reach (dma_capable), or any memory
 * with {@code swiotlb=force}, bounces through {@link Swiotlb}; a bounce slot the device cannot
 * reach either fails the mapping ("swiotlb addr ... overflow"). A scatterlist is mapped entry by
 * entry (dma_direct_map_sg): as many DMA segments as CPU entries.
 */
final class DirectOps implements DmaMapOps {
    private final Machine machine;
    private final Contiguous contiguous;
    private final Swiotlb swiotlb;

    DirectOps(Machine machine, Contiguous contiguous, Swiotlb swiotlb) {
        this.machine = machine;
        this.contiguous = contiguous;
        this.swiotlb = swiotlb;
    }

    private KernelLog log() {
        return machine.log();
    }

    /**
     * The lowest mask dma_direct_supported() accepts below 32 bits: the device must reach the
     * end of ZONE_DMA, or the last page where RAM ends below it.
     */
    @Override
    public long minMask(DeviceImpl dev) {
        long last = Mm.pfnPhys(machine.memory().endPfn() - 1);
        long zoneDma = machine.zoneLayout().dmaEnd() - 1;
        return Math.min(last, zoneDma) - dev.busOffset();
    }

    /** dma_direct_supported(). */
    @Override
    public boolean supported(DeviceImpl dev, long mask) {
        if (Long.compareUnsigned(mask, Dma.bitMask(32)) >= 0) {
            return true;
        }
        return Long.compareUnsigned(mask, minMask(dev)) >= 0;
    }

    /** dma_coherent_ok(). */
    private static boolean coherentOk(DeviceImpl dev, long phys, long size) {
        long dma = dev.physToDma(phys);
        if (dma == Dma.DMA_MAPPING_ERROR) {
            return false;
        }
        return Long.compareUnsigned(dma + size - 1, dev.limit(dev.coherentDmaMask())) <= 0;
    }

    /** The physical limit of the coherent mask, all ones when it wraps (dma_direct_optimal_gfp_mask). */
    private static long physLimit(DeviceImpl dev) {
        long dmaLimit = dev.limit(dev.coherentDmaMask());
        long phys = dev.dmaToPhys(dmaLimit);
        return Long.compareUnsigned(phys, dmaLimit) < 0 ? -1L : phys;
    }

    /** dma_direct_optimal_gfp_mask(): the zone modifier for a physical limit. */
    private int optimalGfp(long physLimit) {
        if (Long.compareUnsigned(physLimit, machine.zoneLayout().dmaEnd() - 1) <= 0) {
            return Gfp.DMA;
        }
        if (Long.compareUnsigned(physLimit, Dma.bitMask(32)) <= 0) {
            return Gfp.DMA32;
        }
        return 0;
    }

    /** __dma_direct_alloc_pages(). */
    private Optional<Pages> allocPages(DeviceImpl dev, long size, int gfp) {
        long physLimit = physLimit(dev);
        gfp |= optimalGfp(physLimit);
        Optional<Pages> p = contiguous.allocContiguous(dev, size, gfp);
        if (p.isPresent() && !coherentOk(dev, p.get().phys(), size)) {
            contiguous.free(p.get());
            p = Optional.empty();
        }
        while (true) {
            if (p.isEmpty()) {
                p = contiguous.allocPages(Contiguous.getOrder(size), gfp);
            }
            if (p.isPresent() && !coherentOk(dev, p.get().phys(), size)) {
                contiguous.free(p.get());
                p = Optional.empty();
                if (physLimit != -1L && (gfp & (Gfp.DMA32 | Gfp.DMA)) == 0) {
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

    /** dma_direct_alloc(). */
    @Override
    public Optional<Coherent> alloc(DeviceImpl dev, long size, int gfp, long attrs) {
        Optional<Pages> got = allocPages(dev, size, gfp);
        if (got.isEmpty()) {
            return Optional.empty();
        }
        Pages p = got.get();
        // DMA_ATTR_NO_KERNEL_MAPPING: the cookie is the struct page, not a virtual address, and
        // the memory is not cleared
        boolean cpuMapped = (attrs & DmaAttrs.NO_KERNEL_MAPPING) == 0;
        if (cpuMapped) {
            machine.memory().zero(p.pfn(), p.count());
        }
        String source = switch (p) {
            case Pages.FromCma c -> "cma:" + c.allocation().area().name();
            case Pages.FromBuddy b -> "pages:order=" + b.order();
        };
        return Optional.of(new Coherent(List.of(p), dev.physToDma(p.phys()), source, cpuMapped));
    }

    /** dma_direct_free(). */
    @Override
    public void free(DmaBufferImpl buf) {
        buf.pages().forEach(contiguous::free);
    }

    /**
     * dma_capable(). A zero-length buffer ends one byte before its address, so it is capable
     * wherever the byte before it is (not at DMA address 0, where that wraps).
     */
    private static boolean capable(DeviceImpl dev, long dma, long size) {
        if (dma == Dma.DMA_MAPPING_ERROR) {
            return false;
        }
        long end = dma + size - 1;
        if (size != 0 && Long.compareUnsigned(end, dma) < 0) {
            return false;
        }
        return Long.compareUnsigned(end, dev.limit(dev.dmaMask())) <= 0;
    }

    private String overflow(DeviceImpl dev, String what, long dma, long size) {
        return dev.driverName() + " " + dev.name() + ": " + what + " " + Mm.pa(dma) + "+" + size + " overflow (mask "
                + Long.toHexString(dev.dmaMask()) + ", bus limit " + Long.toHexString(dev.busDmaLimit()) + ").";
    }

    /** dma_direct_map_page(). */
    @Override
    public Optional<Mapping> mapPage(Mapping.Request r, long attrs) {
        DeviceImpl dev = r.dev();
        OptionalLong phys = r.phys();
        if (phys.isPresent() && !swiotlb.forceBounce()) {
            long dma = dev.physToDma(phys.getAsLong());
            if (capable(dev, dma, r.size())) {
                return Optional.of(new Mapping.Direct(r, dma));
            }
            if (!swiotlb.active()) {
                log().warn(overflow(dev, "DMA addr", dma, r.size()));
                return Optional.empty();
            }
        }
        return swiotlbMap(r, attrs);
    }

    /** swiotlb_map() (kernel/dma/swiotlb.c): a bounce slot, which the device must reach too. */
    private Optional<Mapping> swiotlbMap(Mapping.Request r, long attrs) {
        DeviceImpl dev = r.dev();
        long traceDma = r.phys().isPresent() ? dev.physToDma(r.phys().getAsLong()) : -1;
        Optional<Swiotlb.Slot> got = swiotlb.tblMapSingle(dev, r.orig(), attrs, dev::physToDma, traceDma);
        if (got.isEmpty()) {
            return Optional.empty();
        }
        Swiotlb.Slot slot = got.get();
        long dma = dev.physToDma(slot.phys());
        if (!capable(dev, dma, r.size())) {
            swiotlb.tblUnmapSingle(dev, slot, r.orig(), r.size(), r.dir(), DmaAttrs.SKIP_CPU_SYNC);
            log().warn(overflow(dev, "swiotlb addr", dma, r.size()));
            return Optional.empty();
        }
        return Optional.of(new Mapping.Bounced(r, dma, slot));
    }

    /** dma_direct_unmap_page(): a bounced mapping copies back {@code size} bytes and frees its slots. */
    @Override
    public void unmapPage(Mapping m, long size, DmaDirection dir, long attrs) {
        m.bounce().ifPresent(slot -> swiotlb.tblUnmapSingle(m.dev(), slot, m.request().orig(), size, dir, attrs));
    }

    /** dma_direct_map_sg(): each entry on its own; one that fails undoes the others. */
    @Override
    public Optional<SgMapped> mapSg(ScatterlistImpl sg, List<Mapping.Request> entries, long attrs) {
        List<Mapping> done = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Mapping.Request r = entries.get(i);
            Optional<Mapping> m;
            try {
                m = mapPage(r, attrs);
            } catch (RuntimeException e) {
                DmaMapOps.unmapEach(this, done, r.dir(), DmaAttrs.SKIP_CPU_SYNC);
                throw e;
            }
            if (m.isEmpty()) {
                DmaMapOps.unmapEach(this, done, r.dir(), DmaAttrs.SKIP_CPU_SYNC);
                return Optional.empty();
            }
            done.add(m.get());
            sg.setSegment(i, m.get().dma(), r.size());
        }
        return Optional.of(new SgMapped(done, entries.size()));
    }

    /** dma_direct_unmap_sg(). */
    @Override
    public void unmapSg(List<Mapping> entries, DmaDirection dir, long attrs) {
        DmaMapOps.unmapEach(this, entries, dir, attrs);
    }

    /** dma_to_phys(): no translation but the bus offset. */
    @Override
    public Translation translate(DeviceImpl dev, long dma, boolean write) {
        long phys = dev.dmaToPhys(dma);
        return phys < 0 ? new Refused(new DmaStatus.Unassigned(dma, phys)) : new Phys(phys);
    }
}

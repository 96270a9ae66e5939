package io.jcma.dma.internal;

import io.jcma.cma.boot.Machine;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.mm.Gfp;
import io.jcma.cma.mm.Mm;
import io.jcma.dma.DmaAttrs;
import io.jcma.dma.DmaDirection;
import io.jcma.dma.DmaStatus;
import io.jcma.dma.IommuDomain;
import io.jcma.dma.internal.iommu.IommuDomainImpl;
import io.jcma.dma.internal.swiotlb.Swiotlb;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Mirrors drivers/iommu/dma-iommu.c: the ops of a device behind an IOMMU domain, whose DMA
 * addresses are IOVAs allocated top-down below its mask and mapped page by page onto physical
 * memory with the permissions the direction gives.
 *
 * <h2>Coherent allocation (iommu_dma_alloc)</h2>
 * <ol>
 *   <li>Without DMA_ATTR_FORCE_CONTIGUOUS (every allocation jcma makes may block):
 *       iommu_dma_alloc_remap(), buddy pages of the largest orders the IOMMU maps (2 MiB, then
 *       4 KiB; only 4 KiB with ALLOC_SINGLE_PAGES) (__iommu_dma_alloc_pages), never CMA. The CPU
 *       view is one when the pages came out contiguous, else a vmap of them where the backing
 *       can map its pages at consecutive addresses (dma_common_pages_remap(); the sparse-file
 *       backing with the native shim), else per chunk only (DmaBuffer.chunks()).</li>
 *   <li>With it: one contiguous run, from CMA first (iommu_dma_alloc_pages:
 *       dma_alloc_contiguous(), then alloc_pages()).</li>
 *   <li>An IOVA below the coherent mask (iommu_dma_alloc_iova), the chunks mapped at it in
 *       order; any failure gives the IOVA and the pages back (iommu_dma_alloc_remap's
 *       out_free_sg). The memory is zeroed.</li>
 * </ol>
 * GFP_ATOMIC callers, which the kernel serves from iommu_dma_alloc_pages() or the atomic pool,
 * do not exist in jcma: its allocations all may block.
 *
 * <h2>Streaming (iommu_dma_map_page, iommu_dma_map_sg)</h2>
 * RAM is mapped where it is; memory that is not RAM bounces through swiotlb first. A page
 * mapping takes the pages the buffer touches. A scatterlist takes one IOVA range for all its
 * entries, each padded to pages, and __finalise_sg merges entries into fewer DMA segments where
 * an entry starts on a page, the running segment does not end at a segment boundary and stays
 * within max_segment_size. A zero-length entry that starts on a page takes no IOVA and joins the
 * running segment; a list of nothing else takes no IOVA at all.
 */
final class IommuDmaOps implements DmaMapOps {
    /** The page sizes an IOMMU maps at once (pgsize_bitmap 4K | 2M | 1G), as orders. */
    private static final int[] IOMMU_ORDERS = {9, 0};

    private final Machine machine;
    private final Contiguous contiguous;
    private final Swiotlb swiotlb;
    private final IommuDomainImpl domain;

    IommuDmaOps(Machine machine, Contiguous contiguous, Swiotlb swiotlb, IommuDomainImpl domain) {
        this.machine = machine;
        this.contiguous = contiguous;
        this.swiotlb = swiotlb;
        this.domain = domain;
    }

    /** A device behind an IOMMU supports any mask. */
    @Override
    public boolean supported(DeviceImpl dev, long mask) {
        return true;
    }

    @Override
    public long minMask(DeviceImpl dev) {
        return 0;
    }

    /**
     * iommu_map() as the DMA layer calls it: false when the domain refuses (EBUSY for an IOVA
     * someone mapped through IommuDomain.map), which the caller turns into a mapping failure.
     */
    private boolean iommuMap(long iova, long phys, long size, int prot) {
        try {
            domain.map(iova, phys, size, prot);
            return true;
        } catch (ErrnoException e) {
            return false;
        }
    }

    private static int prot(DmaDirection dir) {
        return (dir.deviceReads() ? IommuDomain.IOMMU_READ : 0) | (dir.deviceWrites() ? IommuDomain.IOMMU_WRITE : 0);
    }

    /**
     * __iommu_dma_alloc_pages(): buddy pages only, the largest order of the mask that fits what
     * is left first; an order that fails once is dropped from the mask for the rest of the
     * allocation, as the kernel's loop drops it.
     */
    private Optional<List<Pages>> allocPages(long count, int gfp, boolean singlePages) {
        long mask = 0;
        for (int order : singlePages ? new int[] {0} : IOMMU_ORDERS) {
            if (order <= Mm.MAX_PAGE_ORDER) {
                mask |= 1L << order;
            }
        }
        List<Pages> out = new ArrayList<>();
        while (count > 0) {
            mask &= (Long.highestOneBit(count) << 1) - 1;
            Optional<Pages> got = Optional.empty();
            while (mask != 0 && got.isEmpty()) {
                int order = 63 - Long.numberOfLeadingZeros(mask);
                got = contiguous.allocPages(order, gfp | Gfp.NOWARN);
                if (got.isEmpty()) {
                    mask &= ~(1L << order);
                }
            }
            if (got.isEmpty()) {
                out.forEach(contiguous::free);
                return Optional.empty();
            }
            out.add(got.get());
            count -= got.get().count();
        }
        return Optional.of(out);
    }

    /** iommu_dma_alloc(): see the class comment. */
    @Override
    public Optional<Coherent> alloc(DeviceImpl dev, long size, int gfp, long attrs) {
        Optional<List<Pages>> got;
        if ((attrs & DmaAttrs.FORCE_CONTIGUOUS) != 0) {
            // iommu_dma_alloc_pages(): dma_alloc_contiguous(), else alloc_pages() of the order
            Optional<Pages> p = contiguous.allocContiguous(dev, size, gfp);
            if (p.isEmpty()) {
                p = contiguous.allocPages(Contiguous.getOrder(size), gfp);
            }
            got = p.map(List::of);
        } else {
            // iommu_dma_alloc_remap(): every blocking allocation; never CMA
            got = allocPages(size >>> Mm.PAGE_SHIFT, gfp, (attrs & DmaAttrs.ALLOC_SINGLE_PAGES) != 0);
        }
        if (got.isEmpty()) {
            return Optional.empty();
        }
        List<Pages> pages = got.get();
        long iova = domain.allocIova(size, dev.limit(dev.coherentDmaMask()));
        if (iova < 0) {
            pages.forEach(contiguous::free);
            return Optional.empty();
        }
        long at = iova;
        for (Pages p : pages) {
            long bytes = Math.min(Mm.pfnPhys(p.count()), iova + size - at);
            if (!iommuMap(at, p.phys(), bytes, IommuDomain.IOMMU_READ | IommuDomain.IOMMU_WRITE)) {
                // iommu_dma_alloc_remap: out_free_sg, the IOVA and the pages go back
                if (at > iova) {
                    domain.unmap(iova, at - iova);
                }
                domain.freeIova(iova);
                pages.forEach(contiguous::free);
                return Optional.empty();
            }
            at += bytes;
        }
        pages.forEach(p -> machine.memory().zero(p.pfn(), p.count()));
        return Optional.of(new Coherent(pages, iova, "iommu-pages:" + pages.size(), true));
    }

    /** iommu_dma_free(): unmap, free the IOVA, then the pages. */
    @Override
    public void free(DmaBufferImpl buf) {
        domain.unmap(buf.dmaAddress(), Mm.alignUp(buf.size(), Mm.PAGE_SIZE));
        domain.freeIova(buf.dmaAddress());
        buf.pages().forEach(contiguous::free);
    }

    /** The bounce slots for memory that is not RAM (the IOMMU sees the pool at its physical address). */
    private Optional<Optional<Swiotlb.Slot>> bounceIfNotRam(Mapping.Request r, long attrs) {
        if (r.phys().isPresent()) {
            return Optional.of(Optional.empty());
        }
        return swiotlb.tblMapSingle(r.dev(), r.orig(), attrs, phys -> phys, -1).map(Optional::of);
    }

    private void releaseSlot(Mapping.Request r, Optional<Swiotlb.Slot> slot, long size, DmaDirection dir, long attrs) {
        slot.ifPresent(s -> swiotlb.tblUnmapSingle(r.dev(), s, r.orig(), size, dir, attrs));
    }

    private static long target(Mapping.Request r, Optional<Swiotlb.Slot> slot) {
        return r.phys().isPresent() ? r.phys().getAsLong() : slot.orElseThrow().phys();
    }

    /** iommu_dma_map_page(): the pages the buffer touches, at an IOVA below the DMA mask. */
    @Override
    public Optional<Mapping> mapPage(Mapping.Request r, long attrs) {
        Optional<Optional<Swiotlb.Slot>> bounced = bounceIfNotRam(r, attrs);
        if (bounced.isEmpty()) {
            return Optional.empty();
        }
        Optional<Swiotlb.Slot> slot = bounced.get();
        long p = target(r, slot);
        long off = p & (Mm.PAGE_SIZE - 1);
        long len = Mm.alignUp(r.size() + off, Mm.PAGE_SIZE);
        long iova = domain.allocIova(len, r.dev().limit(r.dev().dmaMask()));
        if (iova < 0) {
            releaseSlot(r, slot, r.size(), r.dir(), DmaAttrs.SKIP_CPU_SYNC);
            return Optional.empty();
        }
        if (!iommuMap(iova, p - off, len, prot(r.dir()))) {
            // __iommu_dma_map frees the IOVA; iommu_dma_map_page then frees the bounce slot
            domain.freeIova(iova);
            releaseSlot(r, slot, r.size(), r.dir(), DmaAttrs.SKIP_CPU_SYNC);
            return Optional.empty();
        }
        return Optional.of(new Mapping.Translated(r, iova + off, new Mapping.IovaRange(iova, len), slot));
    }

    private static Mapping.Translated translated(Mapping m) {
        return switch (m) {
            case Mapping.Translated t -> t;
            case Mapping.Direct d -> throw notOurs(d);
            case Mapping.Bounced b -> throw notOurs(b);
        };
    }

    private static IllegalStateException notOurs(Mapping m) {
        return new IllegalStateException("iommu_dma_unmap: " + m + " (expected: a mapping dma-iommu made)");
    }

    /** iommu_dma_unmap_page(): the IOVA range goes first, then the bounce slots (copying back {@code size}). */
    @Override
    public void unmapPage(Mapping m, long size, DmaDirection dir, long attrs) {
        Mapping.Translated t = translated(m);
        domain.unmap(t.iova().start(), t.iova().length());
        domain.freeIova(t.iova().start());
        releaseSlot(t.request(), t.via(), size, dir, attrs);
    }

    /** iommu_dma_map_sg() and __finalise_sg(): one IOVA range, segments merged where they can. */
    @Override
    public Optional<SgMapped> mapSg(ScatterlistImpl sg, List<Mapping.Request> entries, long attrs) {
        int n = entries.size();
        List<Optional<Swiotlb.Slot>> slots = new ArrayList<>();
        long[] off = new long[n];
        long[] padded = new long[n];
        long total = 0;
        for (Mapping.Request r : entries) {
            Optional<Optional<Swiotlb.Slot>> bounced;
            try {
                bounced = bounceIfNotRam(r, attrs);
            } catch (RuntimeException e) {
                releaseSlots(entries, slots);
                throw e;
            }
            if (bounced.isEmpty()) {
                releaseSlots(entries, slots);
                return Optional.empty();
            }
            int i = slots.size();
            slots.add(bounced.get());
            off[i] = target(r, bounced.get()) & (Mm.PAGE_SIZE - 1);
            padded[i] = Mm.alignUp(r.size() + off[i], Mm.PAGE_SIZE);
            total += padded[i];
        }
        DeviceImpl dev = entries.getFirst().dev();
        DmaDirection dir = entries.getFirst().dir();
        // only zero-length entries on page starts: no IOVA at all, segments based at 0
        long iova = total == 0 ? 0 : domain.allocIova(total, dev.limit(dev.dmaMask()));
        if (iova < 0) {
            releaseSlots(entries, slots);
            return Optional.empty();
        }
        List<Mapping> mapped = new ArrayList<>();
        long at = iova;
        for (int i = 0; i < n; i++) {
            Mapping.Request r = entries.get(i);
            if (padded[i] != 0 && !iommuMap(at, target(r, slots.get(i)) - off[i], padded[i], prot(dir))) {
                // iommu_map_sg unmaps what it mapped; iommu_dma_map_sg frees the IOVA and fails
                if (at > iova) {
                    domain.unmap(iova, at - iova);
                }
                domain.freeIova(iova);
                releaseSlots(entries, slots);
                return Optional.empty();
            }
            mapped.add(new Mapping.Translated(r, at + off[i], new Mapping.IovaRange(at, padded[i]), slots.get(i)));
            at += padded[i];
        }
        return Optional.of(new SgMapped(mapped, finaliseSg(dev, sg, mapped, off, padded, iova)));
    }

    private void releaseSlots(List<Mapping.Request> entries, List<Optional<Swiotlb.Slot>> slots) {
        for (int i = 0; i < slots.size(); i++) {
            releaseSlot(entries.get(i), slots.get(i), entries.get(i).size(), entries.get(i).dir(), DmaAttrs.SKIP_CPU_SYNC);
        }
    }

    /** __finalise_sg(): the DMA segments of the list, written into it; their count. */
    private static int finaliseSg(DeviceImpl dev, ScatterlistImpl sg, List<Mapping> mapped, long[] off, long[] padded,
                                  long iova) {
        int count = 0;
        long curLen = 0;
        long seg = iova;
        long maxLen = dev.maxSegmentSize();
        for (int i = 0; i < mapped.size(); i++) {
            long len = mapped.get(i).size();
            if (curLen != 0 && off[i] == 0 && (seg & dev.segmentBoundaryMask()) != 0 && maxLen - curLen >= len) {
                curLen += len;
                sg.setSegmentLength(count - 1, curLen);
            } else {
                count++;
                curLen = len;
                sg.setSegment(count - 1, seg + off[i], curLen);
            }
            seg += padded[i];
            if (len + off[i] < padded[i]) {
                curLen = 0;
            }
        }
        return count;
    }

    /**
     * iommu_dma_unmap_sg(): the list's one IOVA range goes first, then each entry's bounce slots;
     * every entry is released even when one copy-back throws, the first failure rethrown.
     */
    @Override
    public void unmapSg(List<Mapping> entries, DmaDirection dir, long attrs) {
        Mapping.Translated first = translated(entries.getFirst());
        long total = 0;
        for (Mapping m : entries) {
            total += translated(m).iova().length();
        }
        if (total != 0) {
            domain.unmap(first.iova().start(), total);
            domain.freeIova(first.iova().start());
        }
        DmaMapOps.releaseEach(entries, m -> releaseSlot(m.request(), translated(m).via(), m.size(), dir, attrs));
    }

    /** The IOMMU's page walk: a fault for an unmapped IOVA or a missing permission. */
    @Override
    public Translation translate(DeviceImpl dev, long dma, boolean write) {
        int prot = domain.prot(dma);
        if (prot == 0) {
            return new Refused(new DmaStatus.Fault(dma, "IOMMU fault: " + (write ? "write to" : "read from")
                    + " unmapped iova " + Mm.pa(dma) + " (device " + dev.name() + ")"));
        }
        if (write && (prot & IommuDomain.IOMMU_WRITE) == 0 || !write && (prot & IommuDomain.IOMMU_READ) == 0) {
            return new Refused(new DmaStatus.Fault(dma, "IOMMU fault: " + (write ? "write to read-only" : "read from write-only")
                    + " iova " + Mm.pa(dma) + " (device " + dev.name() + ")"));
        }
        return new Phys(domain.iovaToPhys(dma));
    }
}

package io.jcma.dma.internal;

import io.jcma.cma.Cma;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.mm.Gfp;
import io.jcma.cma.mm.Mm;

import java.util.Optional;

/**
 * Mirrors kernel/dma/contiguous.c: dma_alloc_contiguous() picks the CMA area for a device and
 * dma_free_contiguous() gives pages back; with alloc_pages() beside them, the two sources of
 * pages that dma-direct and dma-iommu draw from.
 *
 * <h2>The CMA choice (dma_alloc_contiguous)</h2>
 * <ol>
 *   <li>The device's own area (DT memory-region) serves any size and never falls back.</li>
 *   <li>Without one, a single page is not worth CMA: NULL, the page allocator serves it.</li>
 *   <li>On a NUMA node and without a zone modifier (GFP_DMA/GFP_DMA32): "pernuma%d", then
 *       "numa%d".</li>
 *   <li>Else the default area (dma_contiguous_default_area).</li>
 * </ol>
 * Each try is cma_alloc_aligned(): align = min(get_order(size), CONFIG_CMA_ALIGNMENT = 8).
 */
final class Contiguous {
    /** CONFIG_CMA_ALIGNMENT. */
    static final int CMA_ALIGNMENT = 8;

    private final Machine machine;

    Contiguous(Machine machine) {
        this.machine = machine;
    }

    /** get_order(). */
    static int getOrder(long size) {
        long pages = (size - 1) >>> Mm.PAGE_SHIFT;
        return pages == 0 ? 0 : 64 - Long.numberOfLeadingZeros(pages);
    }

    /** cma_alloc_aligned(). */
    private static Optional<Pages> cmaAllocAligned(Cma area, long size, int gfp, DeviceImpl dev) {
        int align = Math.min(getOrder(size), CMA_ALIGNMENT);
        return area.alloc(size >>> Mm.PAGE_SHIFT, align, (gfp & Gfp.NOWARN) != 0, dev.name()).map(Pages.FromCma::new);
    }

    /** dma_alloc_contiguous(): empty where the kernel returns NULL (see the class comment). */
    Optional<Pages> allocContiguous(DeviceImpl dev, long size, int gfp) {
        if (dev.cmaArea().isPresent()) {
            return cmaAllocAligned(dev.cmaArea().get(), size, gfp, dev);
        }
        if (size <= Mm.PAGE_SIZE) {
            return Optional.empty();
        }
        int nid = dev.numaNode();
        if (nid != Mm.NUMA_NO_NODE && (gfp & (Gfp.DMA | Gfp.DMA32)) == 0) {
            for (String name : new String[] {"pernuma" + nid, "numa" + nid}) {
                Optional<Cma> area = machine.cma().byName(name);
                if (area.isPresent()) {
                    Optional<Pages> p = cmaAllocAligned(area.get(), size, gfp, dev);
                    if (p.isPresent()) {
                        return p;
                    }
                }
            }
        }
        return machine.defaultArea().flatMap(a -> cmaAllocAligned(a, size, gfp, dev));
    }

    /** alloc_pages(gfp, order): orders above MAX_PAGE_ORDER fail, as the buddy allocator's do. */
    Optional<Pages> allocPages(int order, int gfp) {
        if (order > Mm.MAX_PAGE_ORDER) {
            return Optional.empty();
        }
        long pfn = machine.pageAllocator().allocPages(order, gfp & (Gfp.DMA | Gfp.DMA32 | Gfp.NOWARN));
        return pfn < 0 ? Optional.empty() : Optional.of(new Pages.FromBuddy(pfn, order));
    }

    /** dma_free_contiguous(): cma_release() for CMA pages, __free_pages() for the others. */
    void free(Pages p) {
        switch (p) {
            case Pages.FromCma c -> c.allocation().area().release(c.allocation());
            case Pages.FromBuddy b -> machine.pageAllocator().freePages(b.pfn(), b.order());
        }
    }
}

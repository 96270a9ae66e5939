package io.jcma.dma.internal;

import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.PhysicalMemory;
import io.jcma.dma.Device;
import io.jcma.dma.DmaAttrs;
import io.jcma.dma.DmaBuffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Mirrors what dma_alloc_attrs() returns, the CPU address and the dma_handle, with what
 * dma_free_attrs() needs to give the memory back: the pages ({@link Pages}), whether DMA-API
 * debug tracks the buffer, and whether it was allocated managed (dmam_alloc_coherent).
 */
public final class DmaBufferImpl implements DmaBuffer {
    final DeviceImpl dev;
    final long dma;
    final long size;
    final long attrs;
    private final List<Pages> pages;
    final boolean managed;
    private final List<MemorySegment> views;
    private final MemorySegment cpu;
    private final Arena scope;
    private final String source;
    /**
     * Whether DMA-API debug knows the buffer: debug_dma_alloc_coherent and _free_coherent skip a
     * cookie that is no virtual address, the struct page that dma-direct returns for
     * DMA_ATTR_NO_KERNEL_MAPPING.
     */
    final boolean debugTracked;
    final String site;
    /** Guarded by the layer's live-buffer monitor. */
    volatile boolean freed;
    /** Guarded by the layer's live-buffer monitor. */
    volatile boolean exported;

    private DmaBufferImpl(DeviceImpl dev, long size, long attrs, DmaMapOps.Coherent c, List<MemorySegment> views,
                          MemorySegment cpu, Arena scope, boolean managed, String site) {
        this.dev = dev;
        this.dma = c.dma();
        this.size = size;
        this.attrs = attrs;
        this.pages = List.copyOf(c.pages());
        this.source = c.source();
        this.debugTracked = c.virtualCookie();
        this.views = List.copyOf(views);
        this.cpu = cpu;
        this.scope = scope;
        this.managed = managed;
        this.site = site;
    }

    /**
     * The buffer the ops allocated, with its CPU views (page_address, or the pieces of a
     * discontiguous IOMMU buffer); with DMA-API debug, the CPU view is an alias in its own scope,
     * closed on free, and known to the layer's Iomem so that it can be mapped like RAM.
     */
    static DmaBufferImpl create(DeviceImpl dev, long size, long attrs, DmaMapOps.Coherent c, boolean managed,
                                String site) {
        PhysicalMemory mem = dev.layer.machine().memory();
        long asize = Mm.alignUp(size, Mm.PAGE_SIZE);
        List<MemorySegment> views = new ArrayList<>();
        long left = asize;
        boolean contiguous = true;
        Pages prev = null;
        for (Pages p : c.pages()) {
            long used = Math.min(p.count(), left >>> Mm.PAGE_SHIFT);
            views.add(mem.segment(p.pfn(), used));
            contiguous &= prev == null || prev.pfn() + prev.count() == p.pfn();
            prev = p;
            left -= Mm.pfnPhys(used);
        }
        MemorySegment cpu = null;
        Arena scope = null;
        long firstPfn = c.pages().getFirst().pfn();
        if ((attrs & DmaAttrs.NO_KERNEL_MAPPING) == 0 && !contiguous) {
            // dma_common_pages_remap(): the scattered pages at consecutive addresses, in a scope
            // closed on free; a backing that cannot (or a host that refuses) leaves the chunks
            Arena own = Arena.ofShared();
            Optional<MemorySegment> v = Optional.empty();
            try {
                v = mem.vmap(runs(c.pages(), asize), own);
            } catch (ErrnoException e) {
                // the kernel would fail the allocation; jcma keeps it, with per-chunk views
            }
            if (v.isPresent()) {
                scope = own;
                cpu = v.get().asSlice(0, size);
            } else {
                own.close();
            }
        } else if ((attrs & DmaAttrs.NO_KERNEL_MAPPING) == 0 && mem.isRam(firstPfn, asize >>> Mm.PAGE_SHIFT)) {
            cpu = mem.segment(firstPfn, asize >>> Mm.PAGE_SHIFT).asSlice(0, size);
            if (dev.layer.debugImpl().enabled()) {
                // a backing that cannot alias leaves the plain slice (no CPU use-after-free detection)
                Arena own = Arena.ofShared();
                Optional<MemorySegment> alias = mem.alias(firstPfn, asize >>> Mm.PAGE_SHIFT, own);
                if (alias.isPresent()) {
                    scope = own;
                    cpu = alias.get().asSlice(0, size);
                    dev.layer.iomem().addAlias(cpu, Mm.pfnPhys(firstPfn));
                } else {
                    own.close();
                }
            }
        }
        return new DmaBufferImpl(dev, size, attrs, c, views, cpu, scope, managed, site);
    }

    /** The pages of a buffer of {@code asize} bytes as runs, the last one cut to what is used. */
    private static List<PhysicalMemory.Run> runs(List<Pages> pages, long asize) {
        List<PhysicalMemory.Run> runs = new ArrayList<>();
        long left = asize >>> Mm.PAGE_SHIFT;
        for (Pages p : pages) {
            long used = Math.min(p.count(), left);
            if (used > 0) {
                runs.add(new PhysicalMemory.Run(p.pfn(), used));
            }
            left -= used;
        }
        return runs;
    }

    @Override
    public Device device() {
        return dev;
    }

    @Override
    public long dmaAddress() {
        return dma;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public long attrs() {
        return attrs;
    }

    @Override
    public long phys() {
        return pages.getFirst().phys();
    }

    /** The physically contiguous pieces, in DMA-address order. */
    List<Pages> pages() {
        return pages;
    }

    @Override
    public MemorySegment cpu() {
        if ((attrs & DmaAttrs.NO_KERNEL_MAPPING) != 0) {
            throw new IllegalStateException("cpu view: none (allocated with DMA_ATTR_NO_KERNEL_MAPPING) dma="
                    + Mm.pa(dma));
        }
        if (cpu == null) {
            throw new IllegalStateException("cpu view: the buffer is " + pages.size()
                    + " physically discontiguous chunks and the backing cannot vmap them (use chunks(),"
                    + " DMA_ATTR_FORCE_CONTIGUOUS, or the sparse-file backing with the native shim) dma=" + Mm.pa(dma));
        }
        return cpu;
    }

    @Override
    public List<MemorySegment> chunks() {
        return views;
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public boolean freed() {
        return freed;
    }

    /** The DMA-API debug CPU view (an alias with its own scope), if there is one. */
    boolean hasScope() {
        return scope != null;
    }

    /** Ends the CPU view's scope (DMA-API debug): later CPU accesses throw. */
    void closeScope() {
        if (scope != null) {
            scope.close();
        }
    }

    @Override
    public String toString() {
        return "DmaBuffer[dev=" + dev.name() + ", dma=" + Mm.pa(dma) + ", size=" + size + ", source="
                + source + (freed ? ", freed" : "") + "]";
    }
}

package io.jcma.dma.internal;

import io.jcma.cma.mm.Mm;
import io.jcma.dma.Device;
import io.jcma.dma.DmaAttrs;
import io.jcma.dma.DmaBuffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

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

    DmaBufferImpl(DeviceImpl dev, long size, long attrs, DmaMapOps.Coherent c, List<MemorySegment> views,
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
                    + " physically discontiguous chunks (vmap is not simulated; use chunks() or"
                    + " DMA_ATTR_FORCE_CONTIGUOUS) dma=" + Mm.pa(dma));
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

package io.jcma.dma;

import io.jcma.cma.CmaAllocation;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

final class DmaBufferImpl implements DmaBuffer {
    /** One physically contiguous piece: pages, and how to give them back. */
    record Chunk(long pfn, long pages, CmaAllocation cma, int order) {
    }

    final DeviceImpl dev;
    final long dma;
    final long size;
    final long attrs;
    final List<Chunk> chunks;
    final boolean managed;
    private final List<MemorySegment> views;
    private final MemorySegment cpu;
    private final Arena scope;
    final String site;
    volatile boolean freed;
    volatile boolean exported;

    DmaBufferImpl(DeviceImpl dev, long dma, long size, long attrs, List<Chunk> chunks, List<MemorySegment> views,
                  MemorySegment cpu, Arena scope, boolean managed, String site) {
        this.dev = dev;
        this.dma = dma;
        this.size = size;
        this.attrs = attrs;
        this.chunks = List.copyOf(chunks);
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
        return io.jcma.cma.mm.Mm.pfnPhys(chunks.getFirst().pfn());
    }

    @Override
    public MemorySegment cpu() {
        if ((attrs & DmaAttrs.NO_KERNEL_MAPPING) != 0) {
            throw new IllegalStateException("cpu view: none (allocated with DMA_ATTR_NO_KERNEL_MAPPING) dma="
                    + io.jcma.cma.mm.Mm.pa(dma));
        }
        if (cpu == null) {
            throw new IllegalStateException("cpu view: the buffer is " + chunks.size()
                    + " physically discontiguous chunks (vmap is not simulated; use chunks() or"
                    + " DMA_ATTR_FORCE_CONTIGUOUS) dma=" + io.jcma.cma.mm.Mm.pa(dma));
        }
        return cpu;
    }

    @Override
    public List<MemorySegment> chunks() {
        return views;
    }

    @Override
    public String source() {
        Chunk c = chunks.getFirst();
        if (iommuBacked()) {
            return "iommu-pages:" + chunks.size();
        }
        return c.cma() != null ? "cma:" + c.cma().area().name() : "pages:order=" + c.order();
    }

    boolean iommuBacked() {
        return dev.iommu != null;
    }

    @Override
    public boolean freed() {
        return freed;
    }

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
        return "DmaBuffer[dev=" + dev.name() + ", dma=" + io.jcma.cma.mm.Mm.pa(dma) + ", size=" + size + ", source="
                + source() + (freed ? ", freed" : "") + "]";
    }
}

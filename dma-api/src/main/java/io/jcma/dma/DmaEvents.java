package io.jcma.dma;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR events mirroring the kernel's trace/events/dma.h and swiotlb.h tracepoints. */
final class DmaEvents {
    private DmaEvents() {
    }

    @Name("jcma.DmaAlloc")
    @Label("dma_alloc")
    @Category({"jcma", "DMA"})
    @Description("A coherent allocation (dma_alloc_attrs); dmaAddress is -1 when it failed")
    static final class Alloc extends Event {
        @Label("Device")
        String device;
        @Label("DMA address")
        long dmaAddress;
        @Label("Size")
        long size;
        @Label("Attributes")
        long attrs;
        @Label("Source")
        String source;
    }

    @Name("jcma.DmaFree")
    @Label("dma_free")
    @Category({"jcma", "DMA"})
    @Description("A coherent buffer freed (dma_free_attrs)")
    static final class Free extends Event {
        @Label("Device")
        String device;
        @Label("DMA address")
        long dmaAddress;
        @Label("Size")
        long size;
    }

    @Name("jcma.DmaMapPage")
    @Label("dma_map_page")
    @Category({"jcma", "DMA"})
    @Description("A streaming mapping (dma_map_page_attrs); dmaAddress is DMA_MAPPING_ERROR when it failed")
    static final class MapPage extends Event {
        @Label("Device")
        String device;
        @Label("Physical address")
        @Description("-1 for memory that is not simulated RAM")
        long physAddress;
        @Label("DMA address")
        long dmaAddress;
        @Label("Size")
        long size;
        @Label("Direction")
        String direction;
        @Label("Bounced")
        boolean bounced;
    }

    @Name("jcma.DmaUnmapPage")
    @Label("dma_unmap_page")
    @Category({"jcma", "DMA"})
    static final class UnmapPage extends Event {
        @Label("Device")
        String device;
        @Label("DMA address")
        long dmaAddress;
        @Label("Size")
        long size;
        @Label("Direction")
        String direction;
    }

    @Name("jcma.SwiotlbBounced")
    @Label("swiotlb_bounced")
    @Category({"jcma", "DMA"})
    @Description("A mapping goes through the swiotlb bounce buffer")
    static final class SwiotlbBounced extends Event {
        @Label("Device")
        String device;
        @Label("Original DMA address")
        @Description("phys_to_dma() of the original, -1 for memory that is not simulated RAM")
        long dmaAddress;
        @Label("Size")
        long size;
    }
}

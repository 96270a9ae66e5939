package io.jcma.dma.internal;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.MemoryAddress;
import jdk.jfr.Name;

/**
 * Mirrors the tracepoints of include/trace/events/dma.h as JFR events, committed by the
 * dispatcher ({@link DmaImpl}) only when {@code shouldCommit()}; swiotlb_bounced (trace/events/swiotlb.h)
 * is the swiotlb package's own.
 */
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
        @MemoryAddress
        long dmaAddress;
        @Label("Size")
        @DataAmount
        long size;
        @Label("Attributes")
        @Description("DMA_ATTR_* bits")
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
        @MemoryAddress
        long dmaAddress;
        @Label("Size")
        @DataAmount
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
        @MemoryAddress
        @Description("-1 for memory that is not simulated RAM")
        long physAddress;
        @Label("DMA address")
        @MemoryAddress
        long dmaAddress;
        @Label("Size")
        @DataAmount
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
        @MemoryAddress
        long dmaAddress;
        @Label("Size")
        @DataAmount
        long size;
        @Label("Direction")
        String direction;
    }
}

package io.jcma.dma.internal.swiotlb;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.MemoryAddress;
import jdk.jfr.Name;

/** Mirrors the swiotlb_bounced tracepoint (include/trace/events/swiotlb.h) as a JFR event. */
@Name("jcma.SwiotlbBounced")
@Label("swiotlb_bounced")
@Category({"jcma", "DMA"})
@Description("A mapping goes through the swiotlb bounce buffer")
final class SwiotlbBouncedEvent extends Event {
    @Label("Device")
    String device;
    @Label("Original DMA address")
    @Description("phys_to_dma() of the original, -1 for memory that is not simulated RAM")
    @MemoryAddress
    long dmaAddress;
    @Label("Size")
    @DataAmount
    long size;
}

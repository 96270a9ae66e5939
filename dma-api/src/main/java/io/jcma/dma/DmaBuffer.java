package io.jcma.dma;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * What dma_alloc_attrs() returns ({@link Dma#allocAttrs}): the CPU's view, the device's DMA address and
 * the size the driver asked for. With DMA-API debug on, the CPU view has its own scope, closed
 * when the buffer is freed: a CPU access after free throws IllegalStateException.
 */
public sealed interface DmaBuffer permits io.jcma.dma.internal.DmaBufferImpl {

    Device device();

    /** The dma_handle. */
    long dmaAddress();

    /** The size asked for (the allocation itself is page-aligned). */
    long size();

    /** The attributes it was allocated with. */
    long attrs();

    /** Physical address of the first page. */
    long phys();

    /**
     * The CPU's view of the buffer, {@link #size()} bytes.
     *
     * The physically discontiguous pages of an IOMMU buffer are one view where the backing can
     * vmap them (the sparse-file backing with the native shim), as dma_common_pages_remap()
     * makes one.
     *
     * @throws IllegalStateException with DMA_ATTR_NO_KERNEL_MAPPING (there is no CPU mapping),
     *                               or when an IOMMU buffer is made of physically discontiguous
     *                               chunks the backing cannot vmap (use {@link #chunks()})
     */
    MemorySegment cpu();

    /**
     * The physically contiguous pieces of the buffer in DMA-address order: one for CMA and page
     * allocations, possibly several behind an IOMMU.
     */
    List<MemorySegment> chunks();

    /** Where the pages came from: "cma:NAME", "pages:order=N" or "iommu-pages:N". */
    String source();

    /** Whether the buffer has been freed. */
    boolean freed();
}

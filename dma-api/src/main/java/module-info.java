/**
 * The DMA API over CMA: struct device, coherent and streaming mappings, swiotlb, scatterlists,
 * pools, dma-buf, IOMMU domains and DMA-API debug. {@code io.jcma.dma.internal} holds the
 * algorithms (swiotlb slots, IOVA allocator, IO page tables) and is not exported.
 */
module io.jcma.dma {
    requires transitive io.jcma.cma;
    requires jdk.jfr;

    exports io.jcma.dma;
}

/**
 * The DMA API over CMA: struct device, coherent and streaming mappings, swiotlb, scatterlists,
 * pools, dma-buf, IOMMU domains and DMA-API debug. {@code io.jcma.dma} is the API (sealed
 * interfaces, records, constants); {@code io.jcma.dma.internal} and its sub-packages hold the
 * implementation, cut as kernel/dma is, and are not exported.
 */
module io.jcma.dma {
    requires transitive io.jcma.cma;
    requires jdk.jfr;

    exports io.jcma.dma;
}

/** The DMA API over CMA: struct device, coherent and streaming mappings, pools, dma-buf. */
module io.jcma.dma {
    requires transitive io.jcma.cma;
}

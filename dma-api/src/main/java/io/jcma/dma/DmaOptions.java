package io.jcma.dma;

/**
 * How the DMA layer runs: CONFIG_DMA_API_DEBUG and SWIOTLB_ANY.
 *
 * @param debug       DMA-API debug (CONFIG_DMA_API_DEBUG); the default comes from the system
 *                    property {@code jcma.dma.debug}, on in jcma's own tests; {@code dma_debug=off}
 *                    on the machine's command line turns it off, as the kernel's parameter does
 * @param swiotlbAny  SWIOTLB_ANY: the bounce pool may lie anywhere in RAM (memblock_alloc), as
 *                    x86 asks for a memory-encrypted guest, instead of below 4 GiB
 *                    (memblock_alloc_low). Off by default. On RAM that lies wholly above 4 GiB
 *                    (real hugepages) it is the only way to have a pool at all; only devices
 *                    that reach the pool can bounce through it.
 */
public record DmaOptions(boolean debug, boolean swiotlbAny) {
    public static DmaOptions defaults() {
        return new DmaOptions(Boolean.getBoolean("jcma.dma.debug"), false);
    }

    public DmaOptions withDebug(boolean on) {
        return new DmaOptions(on, swiotlbAny);
    }

    public DmaOptions withSwiotlbAny(boolean on) {
        return new DmaOptions(debug, on);
    }
}

package io.jcma.dma;

/**
 * How the DMA layer runs.
 *
 * @param debug DMA-API debug (CONFIG_DMA_API_DEBUG); the default comes from the system property
 *              {@code jcma.dma.debug}, on in jcma's own tests; {@code dma_debug=off} on the
 *              machine's command line turns it off, as the kernel's parameter does
 */
public record DmaOptions(boolean debug) {

    public static DmaOptions defaults() {
        return new DmaOptions(Boolean.getBoolean("jcma.dma.debug"));
    }

    public DmaOptions withDebug(boolean on) {
        return new DmaOptions(on);
    }
}

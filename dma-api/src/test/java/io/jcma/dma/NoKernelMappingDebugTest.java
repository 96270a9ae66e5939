package io.jcma.dma;

import io.jcma.cma.mm.Gfp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On dma-direct, DMA_ATTR_NO_KERNEL_MAPPING returns a struct page cookie, not a virtual address:
 * debug_dma_alloc_coherent and debug_dma_free_coherent return early, so the buffer has no
 * DMA-API debug entry, is not a pending allocation at unbind, and its free is not checked.
 */
class NoKernelMappingDebugTest {
    @Test
    void directNoKernelMappingBuffersAreNotTracked() {
        Dma dma = ReviewFixture.boot();
        try {
            Device dev = dma.newDevice("dev0").driver("drv").build();
            DmaBuffer a = dma.allocAttrs(dev, 8192, Gfp.KERNEL, DmaAttrs.NO_KERNEL_MAPPING).orElseThrow();
            DmaBuffer leaked = dma.allocAttrs(dev, 8192, Gfp.KERNEL, DmaAttrs.NO_KERNEL_MAPPING).orElseThrow();
            assertThat(dma.debug().entries(dev)).isZero();
            // a free with the wrong size is not checked for such a buffer
            dma.freeAttrs(dev, 4096, a, DmaAttrs.NO_KERNEL_MAPPING);
            assertThat(dma.debug().errorCount()).isZero();
            dma.unbind(dev);
            assertThat(dma.debug().errorCount()).isZero();
            assertThat(leaked.dmaAddress()).isNotEqualTo(a.dmaAddress());
        } finally {
            dma.machine().close();
        }
    }

    @Test
    void aMappedBufferBesideItIsStillTracked() {
        Dma dma = ReviewFixture.boot();
        try {
            Device dev = dma.newDevice("dev0").driver("drv").build();
            dma.allocAttrs(dev, 8192, Gfp.KERNEL, DmaAttrs.NO_KERNEL_MAPPING).orElseThrow();
            DmaBuffer b = dma.allocCoherent(dev, 8192).orElseThrow();
            assertThat(dma.debug().entries(dev)).isEqualTo(1);
            dma.unbind(dev);
            assertThat(dma.debug().lines()).singleElement().asString().contains("[count=1]");
            assertThat(b.dmaAddress()).isNotZero();
        } finally {
            dma.machine().close();
        }
    }
}

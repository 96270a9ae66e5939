package io.jcma.dma;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * debug_dma_sync_sg_for_cpu/_for_device check nothing for a list with no mapped entry (the loop
 * stops at mapped_ents == 0), so such a sync is silent, unlike dma_sync_single on an unknown address.
 */
class SyncUnmappedSgTest {
    @Test
    void syncOfAnUnmappedListReportsNothing() {
        Dma dma = ReviewFixture.boot();
        try {
            Device dev = dma.newDevice("dev0").driver("drv").build();
            Scatterlist sg = Scatterlist.of(MemorySegment.ofArray(new byte[64]));
            dma.syncSgForCpu(dev, sg, 1, DmaDirection.FROM_DEVICE);
            dma.syncSgForDevice(dev, sg, 1, DmaDirection.TO_DEVICE);
            assertThat(dma.debug().errorCount()).isZero();
            // the single-address sync on the same (unmapped) address is still reported
            dma.syncSingleForCpu(dev, sg.dmaAddress(0), 64, DmaDirection.FROM_DEVICE);
            assertThat(dma.debug().lines()).singleElement().asString()
                    .contains("device driver tries to sync DMA memory it has not allocated");
        } finally {
            dma.machine().close();
        }
    }
}

package io.jcma.dma;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** err_printk's dmesg text: "Mapped at:" only with an entry, the unbind report on two lines. */
class DebugReportFormatTest {
    private Dma dma;
    private Device dev;

    @BeforeEach
    void boot() {
        dma = ReviewFixture.boot();
        dev = dma.newDevice("dev0").driver("drv").build();
    }

    @AfterEach
    void close() {
        dma.machine().close();
    }

    private List<String> dmaApiLines() {
        return dma.machine().log().lines().stream()
                .filter(l -> l.startsWith("DMA-API: drv") || l.startsWith("DMA-API: Mapped") || l.startsWith("One of"))
                .toList();
    }

    @Test
    void noMappedAtLineWithoutAnEntry() {
        assertThatThrownBy(() -> dma.unmapSingle(dev, 0x12340000L, 64, DmaDirection.TO_DEVICE))
                .isInstanceOf(IllegalStateException.class);
        assertThat(dmaApiLines()).singleElement().asString()
                .startsWith("DMA-API: drv dev0: device driver tries to free DMA memory it has not allocated");
    }

    @Test
    void mappedAtLineWithAnEntry() {
        DmaBuffer b = dma.allocCoherent(dev, 8192).orElseThrow();
        dma.freeCoherent(dev, 4096, b);
        assertThat(dmaApiLines()).hasSize(2);
        assertThat(dmaApiLines().get(1)).startsWith("DMA-API: Mapped at: ").contains("DebugReportFormatTest");
    }

    @Test
    void unbindReportSplitsBeforeTheLeakedEntryDetails() {
        DmaBuffer b = dma.allocCoherent(dev, 8192).orElseThrow();
        dma.unbind(dev);
        assertThat(dmaApiLines()).containsSubsequence(
                "DMA-API: drv dev0: device driver has pending DMA allocations while released from device [count=1]",
                String.format("One of leaked entries details: [device address=0x%016x] [size=8192 bytes]"
                        + " [mapped with DMA_BIDIRECTIONAL] [mapped as coherent]", b.dmaAddress()));
        assertThat(dma.debug().errors().getFirst().message()).contains("[count=1]\nOne of leaked entries details:");
    }
}

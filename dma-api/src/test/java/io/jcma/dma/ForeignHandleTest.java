package io.jcma.dma;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A buffer or scatterlist that is not one of this DMA layer (null, or a buffer of another
 * machine's layer) is refused with IllegalArgumentException naming it, as a foreign device is.
 */
class ForeignHandleTest {
    private Dma dma;
    private Dma other;
    private Device dev;

    @BeforeEach
    void boot() {
        dma = ReviewFixture.boot();
        other = ReviewFixture.boot();
        dev = dma.newDevice("dev0").driver("drv").build();
    }

    @AfterEach
    void close() {
        dma.machine().close();
        other.machine().close();
    }

    @Test
    void nullBufferIsRefused() {
        assertThatThrownBy(() -> dma.freeAttrs(dev, 4096, null, DmaAttrs.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("buffer: null");
        assertThatThrownBy(() -> dma.dmamFreeCoherent(dev, 4096, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("buffer: null");
        assertThatThrownBy(() -> dma.bufExport(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("buffer: null");
        assertThat(dma.debug().errorCount()).isZero();
    }

    @Test
    void bufferOfAnotherLayerIsRefused() {
        Device od = other.newDevice("dev0").driver("drv").build();
        DmaBuffer b = other.allocCoherent(od, 4096).orElseThrow();
        assertThatThrownBy(() -> dma.bufExport(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("buffer: " + b);
        assertThatThrownBy(() -> dma.freeAttrs(dev, 4096, b, DmaAttrs.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("buffer: " + b);
        assertThat(dma.debug().errorCount()).isZero();
        other.freeCoherent(od, 4096, b);
        assertThat(other.debug().errorCount()).isZero();
    }

    @Test
    void nullScatterlistIsRefused() {
        assertThatThrownBy(() -> dma.mapSg(dev, null, 1, DmaDirection.TO_DEVICE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("scatterlist: null");
        assertThatThrownBy(() -> dma.unmapSg(dev, null, 1, DmaDirection.TO_DEVICE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("scatterlist: null");
        assertThatThrownBy(() -> dma.syncSgForCpu(dev, null, 1, DmaDirection.FROM_DEVICE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("scatterlist: null");
    }
}

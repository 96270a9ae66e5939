package io.jcma.dma;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** dma_map_page with a pfn whose physical address does not fit 64 bits maps nothing. */
class MapPageRangeTest {
    private Dma dma;
    private Device dev;

    @BeforeEach
    void boot() {
        dma = ReviewFixture.boot();
        dev = dma.newDevice("dev0").driver("drv").masks(-1L).build();
    }

    @AfterEach
    void close() {
        dma.machine().close();
    }

    @Test
    void pfnBeyondThePhysicalAddressSpaceIsRejected() {
        // 2^52 << PAGE_SHIFT wraps to 0, which is RAM here
        long pfn = 1L << 52;
        assertThatThrownBy(() -> dma.mapPage(dev, pfn, 0, 4096, DmaDirection.TO_DEVICE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pfn: " + pfn);
        assertThatThrownBy(() -> dma.mapPage(dev, pfn + 7, 16, 64, DmaDirection.TO_DEVICE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pfn: " + (pfn + 7));
        assertThat(dma.debug().entries(dev)).isZero();
    }

    @Test
    void endOfRangeOverflowIsRejected() {
        long pfn = (1L << 51) - 1;
        assertThatThrownBy(() -> dma.mapPage(dev, pfn, 4095, Long.MAX_VALUE, DmaDirection.TO_DEVICE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pfn: " + pfn);
        assertThat(dma.debug().entries(dev)).isZero();
    }
}

package io.jcma.dma.internal.swiotlb;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SwiotlbSlotsTest {

    @Test
    void atMost128SlotsPerMapping() {
        SwiotlbSlots s = new SwiotlbSlots(1024);
        assertThat(s.find(256 * 1024, 0, 0xffff_ffffL)).isZero();
        assertThat(s.find(256 * 1024 + 1, 0, 0xffff_ffffL)).isEqualTo(-1);
    }

    @Test
    void aMappingNeverCrossesTheDevicesSegmentBoundary() {
        SwiotlbSlots s = new SwiotlbSlots(256);
        // pool at 0x3000 as the device sees it, 64 KiB boundary: 32 slots per boundary unit
        int first = s.find(2048, 0x3000, 0xffff);
        int big = s.find(16 * 2048, 0x3000, 0xffff);
        long start = 0x3000 + ((long) big << 11);
        assertThat(start >>> 16).isEqualTo((start + 16 * 2048 - 1) >>> 16);
        assertThat(first).isZero();
    }

    @Test
    void pageSizedMappingsArePageAligned() {
        SwiotlbSlots s = new SwiotlbSlots(128);
        assertThat(s.find(100, 0, -1L)).isZero();
        assertThat(s.find(4096, 0, -1L)).isEqualTo(2);
    }

    @Test
    void releasingWhatIsNotAMappingStartIsRefused() {
        SwiotlbSlots s = new SwiotlbSlots(128);
        int i = s.find(8192, 0, -1L);
        assertThatThrownBy(() -> s.release(i + 1)).isInstanceOf(IllegalStateException.class);
        s.release(i);
        assertThatThrownBy(() -> s.release(i)).isInstanceOf(IllegalStateException.class);
        assertThat(s.used()).isZero();
    }

    @Test
    void slabCountMustBeWholeSegments() {
        assertThatThrownBy(() -> new SwiotlbSlots(100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nslabs: 100");
        assertThatThrownBy(() -> new SwiotlbSlots(128).find(0, 0, -1L)).isInstanceOf(IllegalArgumentException.class);
    }
}

package io.jcma.dma;

import io.jcma.cma.boot.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

/** The device's view: little-endian scalars at every alignment, bulk copies, page crossings. */
class DeviceMemoryTest {
    private Dma dma;
    private Device dev;
    private MemorySegment ram;

    @BeforeEach
    void boot() {
        dma = Dma.boot(Platform.builder().mem(64L << 20).build(), DmaOptions.defaults().withDebug(true));
        dev = dma.newDevice("d0").driver("drv").build();
        ram = dma.machine().memory().segment(100, 4);
    }

    @AfterEach
    void close() {
        dma.machine().close();
    }

    @Test
    void scalarsAreLittleEndianAtEveryOffsetAcrossAPage() {
        long base = 100L << 12;
        for (long off = 4096 - 9; off <= 4096 + 1; off++) {
            assertThat(dev.memory().writeU64(base + off, 0x0102030405060708L).ok()).isTrue();
            assertThat(ram.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), off))
                    .isEqualTo(0x0102030405060708L);
            assertThat(dev.memory().readU64(base + off).value()).isEqualTo(0x0102030405060708L);
            assertThat(dev.memory().readU32(base + off).value()).isEqualTo(0x05060708L);
            assertThat(dev.memory().readU16(base + off).value()).isEqualTo(0x0708L);
            assertThat(dev.memory().readU8(base + off).value()).isEqualTo(0x08L);
        }
        dev.memory().writeU32(base, 0xffff_fffeL);
        assertThat(dev.memory().readU32(base).value()).as("unsigned").isEqualTo(0xffff_fffeL);
        dev.memory().writeU16(base + 3, 0xbeef);
        assertThat(dev.memory().readU16(base + 3).value()).isEqualTo(0xbeef);
        dev.memory().writeU8(base + 5, 0x1ff);
        assertThat(dev.memory().readU8(base + 5).value()).isEqualTo(0xff);
    }

    @Test
    void bulkCopiesCrossPages() {
        byte[] src = new byte[10000];
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) i;
        }
        long base = (100L << 12) + 100;
        assertThat(dev.memory().write(base, src).ok()).isTrue();
        byte[] back = new byte[10000];
        assertThat(dev.memory().read(base, back).ok()).isTrue();
        assertThat(back).isEqualTo(src);
        assertThat(dev.memory().fill(base, 5000, (byte) 0).ok()).isTrue();
        assertThat(ram.get(ValueLayout.JAVA_BYTE, 100 + 4999)).isZero();
        assertThat(ram.get(ValueLayout.JAVA_BYTE, 100 + 5000)).isEqualTo(src[5000]);
    }

    @Test
    void anAccessRunningOffTheEndOfRamChangesNothing() {
        long end = 64L << 20;
        MemorySegment last = dma.machine().memory().segment((end >> 12) - 1, 1);
        DmaStatus s = dev.memory().write(end - 4, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThat(s).isInstanceOf(DmaStatus.Unassigned.class);
        assertThat(((DmaStatus.Unassigned) s).physAddress()).isEqualTo(end);
        assertThat(last.get(ValueLayout.JAVA_INT_UNALIGNED, 4092)).isZero();
        assertThat(dev.memory().readU32(end - 2).value()).isZero();
    }
}

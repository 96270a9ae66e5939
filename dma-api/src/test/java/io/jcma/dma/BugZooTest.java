package io.jcma.dma;

import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.MemRange;
import io.jcma.cma.boot.Platform;
import io.jcma.cma.mm.Gfp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Deliberately wrong drivers, each caught by DMA-API debug with the kernel's message, and the
 * same drivers written correctly, which must produce no report at all.
 */
class BugZooTest {
    private Dma dma;
    private Device dev;

    @BeforeEach
    void boot() {
        dma = Dma.boot(Platform.builder().memory(new MemRange(0, 256L << 20, 0)).cmdline("cma=16M swiotlb=1024").build(),
                DmaOptions.defaults().withDebug(true));
        dev = dma.newDevice("zoo0").driver("buggy").build();
    }

    @AfterEach
    void close() {
        dma.machine().close();
    }

    private String onlyError() {
        assertThat(dma.debug().errors()).hasSize(1);
        return dma.debug().lines().getFirst();
    }

    private static String hex(long a) {
        return String.format("0x%016x", a);
    }

    @RepeatedTest(3)
    void doubleFree() {
        DmaBuffer b = dma.allocCoherent(dev, 8192).orElseThrow();
        dma.freeCoherent(dev, 8192, b);
        assertThatThrownBy(() -> dma.freeCoherent(dev, 8192, b)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("double free");
        assertThat(onlyError()).startsWith("DMA-API: buggy zoo0: device driver tries to free DMA memory it has not"
                + " allocated [device address=" + hex(b.dmaAddress()) + "] [size=8192 bytes]")
                .contains("[direction=DMA_BIDIRECTIONAL]", "BugZooTest.lambda$doubleFree");
        assertThat(dma.machine().defaultArea().orElseThrow().used()).isZero();
    }

    @RepeatedTest(3)
    void wrongSize() {
        DmaBuffer b = dma.allocCoherent(dev, 8192).orElseThrow();
        dma.freeCoherent(dev, 4096, b);
        assertThat(onlyError()).startsWith("DMA-API: buggy zoo0: device driver frees DMA memory with different size"
                + " [device address=" + hex(b.dmaAddress()) + "] [map size=8192 bytes] [unmap size=4096 bytes]")
                .contains("[site=io.jcma.dma.BugZooTest.wrongSize(");
        assertThat(dma.machine().defaultArea().orElseThrow().used()).as("freed whole anyway").isZero();
    }

    @RepeatedTest(3)
    void wrongDirection() {
        MemorySegment ram = dma.machine().memory().segment(20000, 1);
        long a = dma.mapSingle(dev, ram, DmaDirection.TO_DEVICE);
        assertThat(dma.mappingError(dev, a)).isFalse();
        dma.unmapSingle(dev, a, 4096, DmaDirection.FROM_DEVICE);
        assertThat(onlyError()).startsWith("DMA-API: buggy zoo0: device driver frees DMA memory with different"
                + " direction [device address=" + hex(a) + "] [size=4096 bytes] [mapped with DMA_TO_DEVICE]"
                + " [unmapped with DMA_FROM_DEVICE]").contains("BugZooTest.wrongDirection(");
    }

    @RepeatedTest(3)
    void uncheckedMappingError() {
        MemorySegment ram = dma.machine().memory().segment(20000, 1);
        long a = dma.mapSingle(dev, ram, DmaDirection.TO_DEVICE);
        dma.unmapSingle(dev, a, 4096, DmaDirection.TO_DEVICE);
        assertThat(onlyError()).startsWith("DMA-API: buggy zoo0: device driver failed to check map error[device address="
                + hex(a) + "] [size=4096 bytes] [mapped as single]").contains("[direction=DMA_TO_DEVICE]");
    }

    @RepeatedTest(3)
    void leakAtUnbind() {
        DmaBuffer b = dma.allocCoherent(dev, 8192).orElseThrow();
        dma.unbind(dev);
        assertThat(onlyError()).startsWith("DMA-API: buggy zoo0: device driver has pending DMA allocations while"
                + " released from device [count=1] One of leaked entries details: [device address="
                + hex(b.dmaAddress()) + "] [size=8192 bytes] [mapped with DMA_BIDIRECTIONAL] [mapped as coherent]")
                .contains("BugZooTest.leakAtUnbind(");
    }

    @RepeatedTest(3)
    void useAfterFreeFromTheCpu() {
        DmaBuffer b = dma.allocCoherent(dev, 8192).orElseThrow();
        MemorySegment cpu = b.cpu();
        cpu.set(ValueLayout.JAVA_INT_UNALIGNED, 0, 1);
        dma.freeCoherent(dev, 8192, b);
        assertThatThrownBy(() -> cpu.get(ValueLayout.JAVA_INT_UNALIGNED, 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> cpu.set(ValueLayout.JAVA_INT_UNALIGNED, 0, 2)).isInstanceOf(IllegalStateException.class);
        assertThat(dma.debug().errorCount()).isZero();
    }

    @RepeatedTest(3)
    void useAfterFreeFromTheDevice() {
        DmaBuffer b = dma.allocCoherent(dev, 8192).orElseThrow();
        long a = b.dmaAddress();
        assertThat(dev.memory().writeU32(a, 5).ok()).isTrue();
        dma.freeCoherent(dev, 8192, b);
        DmaStatus s = dev.memory().writeU32(a + 4096, 6);
        assertThat(s).isInstanceOf(DmaStatus.Fault.class);
        assertThat(((DmaStatus.Fault) s).reason()).contains("after its driver freed it");
        assertThat(onlyError()).startsWith("DMA-API: buggy zoo0: device accesses DMA memory after its driver freed it"
                + " [device address=" + hex(a + 4096) + "] [freed mapping=" + hex(a) + "] [size=8192 bytes]")
                .contains("BugZooTest.useAfterFreeFromTheDevice(");
        assertThat(dma.machine().memory().segment(b.phys() >>> 12, 2).get(ValueLayout.JAVA_INT_UNALIGNED, 4096))
                .as("the write did not happen").isZero();
    }

    @RepeatedTest(3)
    void syncOutsideAMapping() {
        MemorySegment ram = dma.machine().memory().segment(20000, 1);
        long a = dma.mapSingle(dev, ram, DmaDirection.FROM_DEVICE);
        dma.mappingError(dev, a);
        dma.syncSingleForCpu(dev, a + 4000, 200, DmaDirection.FROM_DEVICE);
        assertThat(onlyError()).startsWith("DMA-API: buggy zoo0: device driver tries to sync DMA memory it has not"
                + " allocated [device address=" + hex(a + 4000) + "] [size=200 bytes]");
        dma.unmapSingle(dev, a, 4096, DmaDirection.FROM_DEVICE);
        assertThat(dma.debug().errorCount()).isEqualTo(1);
    }

    @Test
    void syncWithTheWrongDirection() {
        byte[] heap = new byte[64];
        long a = dma.mapSingle(dev, MemorySegment.ofArray(heap), DmaDirection.TO_DEVICE);
        dma.mappingError(dev, a);
        dma.syncSingleForCpu(dev, a, 64, DmaDirection.FROM_DEVICE);
        assertThat(dma.debug().lines()).anySatisfy(l -> assertThat(l).startsWith(
                "DMA-API: buggy zoo0: device driver syncs DMA memory with different direction [device address="
                        + hex(a) + "] [size=64 bytes] [mapped with DMA_TO_DEVICE] [synced with DMA_FROM_DEVICE]"));
        dma.unmapSingle(dev, a, 64, DmaDirection.TO_DEVICE);
    }

    @Test
    void unmappedWithTheWrongFunction() {
        Scatterlist sg = Scatterlist.of(dma.machine().memory().segment(20000, 1));
        assertThat(dma.mapSg(dev, sg, 1, DmaDirection.TO_DEVICE, 0)).isEqualTo(1);
        long a = sg.dmaAddress(0);
        assertThatThrownBy(() -> dma.unmapSingle(dev, a, 4096, DmaDirection.TO_DEVICE))
                .isInstanceOf(IllegalStateException.class);
        assertThat(onlyError()).startsWith("DMA-API: buggy zoo0: device driver frees DMA memory with wrong function"
                + " [device address=" + hex(a) + "] [size=4096 bytes] [mapped as scather-gather] [unmapped as single]");
    }

    @Test
    void syncingDeviceReadOnlyMemoryForTheCpu() {
        MemorySegment ram = dma.machine().memory().segment(20000, 1);
        long a = dma.mapSingle(dev, ram, DmaDirection.TO_DEVICE);
        dma.mappingError(dev, a);
        dma.syncSingleForCpu(dev, a, 4096, DmaDirection.BIDIRECTIONAL);
        assertThat(dma.debug().lines()).anySatisfy(l -> assertThat(l).startsWith(
                "DMA-API: buggy zoo0: device driver syncs device read-only DMA memory for cpu [device address="
                        + hex(a) + "] [size=4096 bytes] [mapped with DMA_TO_DEVICE] [synced with DMA_BIDIRECTIONAL]"));
        dma.unmapSingle(dev, a, 4096, DmaDirection.TO_DEVICE);
    }

    @Test
    void syncingDeviceWriteOnlyMemoryToTheDevice() {
        MemorySegment ram = dma.machine().memory().segment(20000, 1);
        long a = dma.mapSingle(dev, ram, DmaDirection.FROM_DEVICE);
        dma.mappingError(dev, a);
        dma.syncSingleForDevice(dev, a, 4096, DmaDirection.TO_DEVICE);
        assertThat(dma.debug().lines()).anySatisfy(l -> assertThat(l).startsWith(
                "DMA-API: buggy zoo0: device driver syncs device write-only DMA memory to device [device address="
                        + hex(a) + "] [size=4096 bytes] [mapped with DMA_FROM_DEVICE] [synced with DMA_TO_DEVICE]"));
        dma.unmapSingle(dev, a, 4096, DmaDirection.FROM_DEVICE);
    }

    @Test
    void freeingWithAnotherDevice() {
        Device other = dma.newDevice("zoo1").driver("buggy").build();
        DmaBuffer b = dma.allocCoherent(dev, 8192).orElseThrow();
        assertThatThrownBy(() -> dma.freeCoherent(other, 8192, b)).isInstanceOf(IllegalStateException.class);
        assertThat(onlyError()).startsWith("DMA-API: buggy zoo1: device driver tries to free DMA memory it has not"
                + " allocated [device address=" + hex(b.dmaAddress()) + "] [size=8192 bytes]");
        dma.freeCoherent(dev, 8192, b);
        assertThat(dma.debug().errorCount()).isEqualTo(1);
    }

    @Test
    void sgUnmappedWithADifferentCount() {
        Scatterlist sg = Scatterlist.of(dma.machine().memory().segment(20000, 1), dma.machine().memory().segment(20010, 1));
        assertThat(dma.mapSg(dev, sg, 2, DmaDirection.TO_DEVICE, 0)).isEqualTo(2);
        dma.unmapSg(dev, sg, 1, DmaDirection.TO_DEVICE, 0);
        assertThat(dma.debug().lines()).anySatisfy(l -> assertThat(l).startsWith(
                "DMA-API: buggy zoo0: device driver frees DMA sg list with different entry count [map count=2]"
                        + " [unmap count=1]"));
    }

    @Test
    void unmapOfAnAddressNeverMapped() {
        assertThatThrownBy(() -> dma.unmapSingle(dev, 0x123000, 4096, DmaDirection.TO_DEVICE))
                .isInstanceOf(IllegalStateException.class);
        assertThat(onlyError()).startsWith("DMA-API: buggy zoo0: device driver tries to free DMA memory it has not"
                + " allocated [device address=0x0000000000123000] [size=4096 bytes]");
    }

    @Test
    void unmapOfTheMappingErrorValue() {
        assertThatThrownBy(() -> dma.unmapSingle(dev, Dma.DMA_MAPPING_ERROR, 4096, DmaDirection.TO_DEVICE))
                .isInstanceOf(IllegalStateException.class);
        assertThat(onlyError()).startsWith("DMA-API: buggy zoo0: device driver tries to free an invalid DMA memory address");
    }

    @Test
    void onlyTheFirstReportReachesDmesgUnlessAllErrors() {
        for (int i = 0; i < 3; i++) {
            DmaBuffer b = dma.allocCoherent(dev, 8192).orElseThrow();
            dma.freeCoherent(dev, 4096, b);
        }
        assertThat(dma.debug().errorCount()).isEqualTo(3);
        assertThat(dma.machine().log().lines()).filteredOn(l -> l.contains("different size")).hasSize(1);
        dma.machine().fs().write("/sys/kernel/debug/dma-api/all_errors", "1");
        DmaBuffer b = dma.allocCoherent(dev, 8192).orElseThrow();
        dma.freeCoherent(dev, 4096, b);
        assertThat(dma.machine().log().lines()).filteredOn(l -> l.contains("different size")).hasSize(2);
        assertThat(dma.machine().fs().read("/sys/kernel/debug/dma-api/error_count")).isEqualTo("4\n");
    }

    /** The same drivers, written correctly: not one report. */
    @RepeatedTest(3)
    void correctedDriversProduceZeroReports() {
        DmaBuffer b = dma.allocCoherent(dev, 8192).orElseThrow();
        b.cpu().fill((byte) 1);
        assertThat(dev.memory().readU8(b.dmaAddress()).value()).isEqualTo(1);
        dma.freeCoherent(dev, 8192, b);

        MemorySegment ram = dma.machine().memory().segment(20000, 1);
        long a = dma.mapSingle(dev, ram, DmaDirection.FROM_DEVICE);
        assertThat(dma.mappingError(dev, a)).isFalse();
        dev.memory().writeU32(a, 9);
        dma.syncSingleForCpu(dev, a + 16, 16, DmaDirection.FROM_DEVICE);
        dma.syncSingleForDevice(dev, a, 4096, DmaDirection.FROM_DEVICE);
        dma.unmapSingle(dev, a, 4096, DmaDirection.FROM_DEVICE);

        byte[] heap = new byte[64];
        long h = dma.mapSingle(dev, MemorySegment.ofArray(heap), DmaDirection.BIDIRECTIONAL);
        assertThat(dma.mappingError(dev, h)).isFalse();
        dma.syncSingleForCpu(dev, h, 64, DmaDirection.BIDIRECTIONAL);
        dma.unmapSingle(dev, h, 64, DmaDirection.BIDIRECTIONAL);

        Scatterlist sg = Scatterlist.of(dma.machine().memory().segment(20000, 1), dma.machine().memory().segment(20010, 1));
        int n = dma.mapSg(dev, sg, 2, DmaDirection.TO_DEVICE, 0);
        dma.syncSgForDevice(dev, sg, 2, DmaDirection.TO_DEVICE);
        dma.unmapSg(dev, sg, 2, DmaDirection.TO_DEVICE, 0);
        assertThat(n).isEqualTo(2);

        DmaPool pool = dma.poolCreate("zoo-desc", dev, 64, 64, 0).orElseThrow();
        DmaPool.Block blk = pool.alloc(Gfp.KERNEL).orElseThrow();
        pool.free(blk);
        pool.destroy();

        dma.dmamAllocCoherent(dev, 16384, Gfp.KERNEL).orElseThrow();
        dma.unbind(dev);
        assertThat(dma.debug().errorCount()).isZero();
        assertThat(dma.debug().entries(dev)).isZero();
        assertThat(dma.machine().defaultArea().orElseThrow().used()).isZero();
    }
}

package io.jcma.dma;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * swiotlb_bounce() copies what the sync or unmap asks for, trimmed to the mapping with the
 * kernel's warning: a sync that runs past a bounced mapping's end copies up to the end and says
 * so; an unmap copies back the size it was given.
 */
class SwiotlbBounceSizeTest {
    private Dma dma;
    private IommuDomain domain;

    @BeforeEach
    void boot() {
        dma = ReviewFixture.boot();
        domain = IommuDomain.create(48);
    }

    @AfterEach
    void close() {
        dma.machine().close();
    }

    private Device device(boolean iommu) {
        return ReviewFixture.device(dma, domain, iommu);
    }

    private long overflowLines() {
        return dma.machine().log().lines().stream().filter(l -> l.contains("Buffer overflow detected")).count();
    }

    @ParameterizedTest(name = "iommu={0}")
    @ValueSource(booleans = {false, true})
    void aSyncPastTheEndIsTrimmedWithTheKernelsWarning(boolean iommu) {
        Device dev = device(iommu);
        byte[] heap = new byte[256];
        long a = dma.mapSingle(dev, MemorySegment.ofArray(heap), DmaDirection.FROM_DEVICE);
        assertThat(dma.mappingError(dev, a)).isFalse();
        assertThat(dev.memory().fill(a, 256, (byte) 5).ok()).isTrue();
        // [a + 128, a + 384): 128 bytes of mapping are left from a + 128
        dma.syncSingleForCpu(dev, a + 128, 256, DmaDirection.FROM_DEVICE);
        assertThat(dma.machine().log().lines())
                .contains("drv dev0: Buffer overflow detected. Allocation size: 128. Mapping size: 256.");
        assertThat(heap[127]).as("before the synced part").isZero();
        assertThat(heap[128]).isEqualTo((byte) 5);
        assertThat(heap[255]).as("up to the mapping's end").isEqualTo((byte) 5);
        // dev_WARN_ONCE: once per boot
        dma.syncSingleForCpu(dev, a + 200, 100, DmaDirection.FROM_DEVICE);
        assertThat(overflowLines()).isEqualTo(1);
        dma.unmapSingle(dev, a, 256, DmaDirection.FROM_DEVICE);
        assertThat(dma.swiotlb().orElseThrow().used()).isZero();
    }

    @ParameterizedTest(name = "iommu={0}")
    @ValueSource(booleans = {false, true})
    void aSyncInsideTheMappingSaysNothing(boolean iommu) {
        Device dev = device(iommu);
        byte[] heap = new byte[256];
        long a = dma.mapSingle(dev, MemorySegment.ofArray(heap), DmaDirection.FROM_DEVICE);
        dev.memory().fill(a, 256, (byte) 6);
        dma.syncSingleForCpu(dev, a + 128, 128, DmaDirection.FROM_DEVICE);
        assertThat(heap[128]).isEqualTo((byte) 6);
        assertThat(heap[0]).isZero();
        assertThat(overflowLines()).isZero();
        dma.unmapSingle(dev, a, 256, DmaDirection.FROM_DEVICE);
    }

    @ParameterizedTest(name = "iommu={0}")
    @ValueSource(booleans = {false, true})
    void unmapCopiesBackTheSizeItIsGiven(boolean iommu) {
        Device dev = device(iommu);
        byte[] heap = new byte[256];
        long a = dma.mapSingle(dev, MemorySegment.ofArray(heap), DmaDirection.FROM_DEVICE);
        dev.memory().fill(a, 256, (byte) 7);
        dma.unmapSingle(dev, a, 100, DmaDirection.FROM_DEVICE);
        assertThat(heap[99]).isEqualTo((byte) 7);
        assertThat(heap[100]).as("past the size given to unmap").isZero();
        assertThat(dma.swiotlb().orElseThrow().used()).isZero();
        // DMA-API debug reports the size mismatch, as the kernel's check_unmap does
        assertThat(dma.debug().errors()).anyMatch(e -> e.message().contains("frees DMA memory with different size"));
        assertThat(overflowLines()).isZero();
    }

    @ParameterizedTest(name = "iommu={0}")
    @ValueSource(booleans = {false, true})
    void unmapWithMoreThanTheMappingCopiesTheMappingAndWarns(boolean iommu) {
        Device dev = device(iommu);
        byte[] heap = new byte[256];
        long a = dma.mapSingle(dev, MemorySegment.ofArray(heap), DmaDirection.BIDIRECTIONAL);
        dev.memory().fill(a, 256, (byte) 8);
        dma.unmapSingle(dev, a, 512, DmaDirection.BIDIRECTIONAL);
        assertThat(heap[255]).isEqualTo((byte) 8);
        assertThat(dma.machine().log().lines())
                .contains("drv dev0: Buffer overflow detected. Allocation size: 256. Mapping size: 512.");
        assertThat(dma.swiotlb().orElseThrow().used()).isZero();
    }
}

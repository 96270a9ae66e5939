package io.jcma.dma;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * dma_sync_single_for_cpu/_for_device on the DMA address of a bounced scatterlist entry: 6.12
 * looks the address up in swiotlb directly and check_sync does not compare mapping types, so the
 * bounce buffer is copied and nothing is reported.
 */
class SgSyncSingleTest {
    private Dma dma;

    @BeforeEach
    void boot() {
        dma = ReviewFixture.boot();
    }

    @AfterEach
    void close() {
        dma.machine().close();
    }

    private Device device(boolean iommu) {
        Device.Builder b = dma.newDevice(iommu ? "mmu0" : "dev0").driver("drv").masks(-1L);
        return (iommu ? b.iommu(IommuDomain.create(48)) : b).build();
    }

    @ParameterizedTest(name = "iommu={0}")
    @ValueSource(booleans = {false, true})
    void syncSingleForCpuCopiesABouncedSgEntryBack(boolean iommu) {
        Device dev = device(iommu);
        byte[] heap = new byte[64];
        Scatterlist sg = Scatterlist.of(MemorySegment.ofArray(heap));
        assertThat(dma.mapSg(dev, sg, 1, DmaDirection.FROM_DEVICE, 0)).isEqualTo(1);
        long a = sg.dmaAddress(0);
        assertThat(dev.memory().write(a + 8, new byte[] {1, 2, 3, 4})).isEqualTo(DmaStatus.OK);
        dma.syncSingleForCpu(dev, a + 8, 4, DmaDirection.FROM_DEVICE);
        assertThat(java.util.Arrays.copyOfRange(heap, 6, 14)).containsExactly(0, 0, 1, 2, 3, 4, 0, 0);
        assertThat(dma.debug().lines()).isEmpty();
        dma.unmapSg(dev, sg, 1, DmaDirection.FROM_DEVICE, 0);
        assertThat(dma.debug().lines()).isEmpty();
    }

    @ParameterizedTest(name = "iommu={0}")
    @ValueSource(booleans = {false, true})
    void syncSingleForDeviceCopiesIntoTheBounceBufferOfAnSgEntry(boolean iommu) {
        Device dev = device(iommu);
        byte[] heap = new byte[64];
        Scatterlist sg = Scatterlist.of(MemorySegment.ofArray(new byte[32]), MemorySegment.ofArray(heap));
        // a 32-byte entry leaves the rest of its IOVA page unused, so the IOMMU cannot merge
        assertThat(dma.mapSg(dev, sg, 2, DmaDirection.BIDIRECTIONAL, 0)).isEqualTo(2);
        long a = sg.dmaAddress(1);
        heap[4] = 42;
        dma.syncSingleForDevice(dev, a + 4, 1, DmaDirection.BIDIRECTIONAL);
        assertThat(dev.memory().readU8(a + 4).value()).isEqualTo(42);
        assertThat(dma.debug().lines()).isEmpty();
        dma.unmapSg(dev, sg, 2, DmaDirection.BIDIRECTIONAL, 0);
    }
}

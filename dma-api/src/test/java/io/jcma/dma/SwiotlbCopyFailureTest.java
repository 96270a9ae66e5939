package io.jcma.dma;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A bounce copy that throws (the original's arena is closed) leaks no swiotlb slot or IOVA. */
class SwiotlbCopyFailureTest {
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

    private void assertNothingHeld(boolean iommu) {
        assertThat(dma.swiotlb().orElseThrow().used()).isZero();
        if (iommu) {
            assertThat(domain.iovaPages()).isZero();
            assertThat(domain.mappedPages()).isZero();
        }
    }

    @ParameterizedTest(name = "iommu={0}")
    @ValueSource(booleans = {false, true})
    void mapOfAClosedSegmentReleasesTheSlot(boolean iommu) {
        Device dev = device(iommu);
        Arena arena = Arena.ofShared();
        MemorySegment seg = arena.allocate(256);
        arena.close();
        assertThatThrownBy(() -> dma.mapSingle(dev, seg, DmaDirection.TO_DEVICE)).isInstanceOf(IllegalStateException.class);
        assertNothingHeld(iommu);
    }

    @ParameterizedTest(name = "iommu={0}")
    @ValueSource(booleans = {false, true})
    void mapSgWithAClosedEntryUndoesTheEntriesBeforeIt(boolean iommu) {
        Device dev = device(iommu);
        Arena live = Arena.ofShared();
        Arena arena = Arena.ofShared();
        MemorySegment gone = arena.allocate(128);
        arena.close();
        Scatterlist sg = Scatterlist.of(live.allocate(256), live.allocate(256), gone);
        assertThatThrownBy(() -> dma.mapSg(dev, sg, 3, DmaDirection.TO_DEVICE, 0)).isInstanceOf(IllegalStateException.class);
        assertNothingHeld(iommu);
        assertThat(sg.mappedNents()).isZero();
        live.close();
    }

    @ParameterizedTest(name = "iommu={0}")
    @ValueSource(booleans = {false, true})
    void unmapWhoseCopyBackThrowsStillReleasesSlotAndIova(boolean iommu) {
        Device dev = device(iommu);
        Arena arena = Arena.ofShared();
        MemorySegment seg = arena.allocate(256);
        long a = dma.mapSingle(dev, seg, DmaDirection.FROM_DEVICE);
        assertThat(dma.mappingError(dev, a)).isFalse();
        assertThat(dma.swiotlb().orElseThrow().used()).isEqualTo(1);
        arena.close();
        assertThatThrownBy(() -> dma.unmapSingle(dev, a, 256, DmaDirection.FROM_DEVICE))
                .isInstanceOf(IllegalStateException.class);
        assertNothingHeld(iommu);
    }

    @ParameterizedTest(name = "iommu={0}")
    @ValueSource(booleans = {false, true})
    void unmapSgWhoseCopyBackThrowsReleasesEveryEntry(boolean iommu) {
        Device dev = device(iommu);
        Arena arena = Arena.ofShared();
        Scatterlist sg = Scatterlist.of(arena.allocate(256), arena.allocate(512), MemorySegment.ofArray(new byte[64]));
        assertThat(dma.mapSg(dev, sg, 3, DmaDirection.FROM_DEVICE, 0)).isPositive();
        assertThat(dma.swiotlb().orElseThrow().used()).isEqualTo(3);
        arena.close();
        assertThatThrownBy(() -> dma.unmapSg(dev, sg, 3, DmaDirection.FROM_DEVICE, 0))
                .isInstanceOf(IllegalStateException.class);
        assertNothingHeld(iommu);
        assertThat(sg.mappedNents()).isZero();
        assertThat(dma.debug().entries(dev)).isZero();
    }
}

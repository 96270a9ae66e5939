package io.jcma.dma;

import io.jcma.cma.mm.Gfp;
import io.jcma.cma.mm.Mm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * iommu_map() failing inside the DMA API (here EBUSY: the IOVA the allocator hands out was mapped
 * through the public IommuDomain.map) undoes everything and reports a mapping failure, as
 * __iommu_dma_map does, instead of throwing and leaking the IOVA, the bounce slot and the pages.
 */
class IommuMapFailureTest {
    private Dma dma;
    private IommuDomain domain;
    private Device dev;

    @BeforeEach
    void boot() {
        dma = ReviewFixture.boot();
        domain = IommuDomain.create(32);
        dev = dma.newDevice("mmu0").driver("drv").masks(-1L).iommu(domain).build();
    }

    @AfterEach
    void close() {
        dma.machine().close();
    }

    /** Maps one page behind the DMA API's back at the IOVA its allocator hands out next. */
    private long squatNextIova() {
        long a = dma.mapSingle(dev, MemorySegment.ofArray(new byte[16]), DmaDirection.TO_DEVICE);
        dma.mappingError(dev, a);
        dma.unmapSingle(dev, a, 16, DmaDirection.TO_DEVICE);
        long iova = Mm.alignDown(a, Mm.PAGE_SIZE);
        domain.map(iova, 0, Mm.PAGE_SIZE, IommuDomain.IOMMU_READ);
        return iova;
    }

    private void assertOnlySquatterLeft(long iova) {
        assertThat(domain.iovaPages()).isZero();
        assertThat(domain.mappedPages()).isEqualTo(1);
        assertThat(domain.iovaToPhys(iova)).isZero();
        assertThat(dma.swiotlb().orElseThrow().used()).isZero();
    }

    @Test
    void mapSingleOfABouncedBufferReturnsTheMappingError() {
        long iova = squatNextIova();
        long a = dma.mapSingle(dev, MemorySegment.ofArray(new byte[16]), DmaDirection.TO_DEVICE);
        assertThat(dma.mappingError(dev, a)).isTrue();
        assertOnlySquatterLeft(iova);
        assertThat(dma.debug().entries(dev)).isZero();
    }

    @Test
    void mapPageReturnsTheMappingError() {
        long iova = squatNextIova();
        long a = dma.mapPage(dev, 0x1000, 0, 64, DmaDirection.TO_DEVICE, 0);
        assertThat(dma.mappingError(dev, a)).isTrue();
        assertOnlySquatterLeft(iova);
    }

    @Test
    void mapSgReturnsZero() {
        long iova = squatNextIova();
        Scatterlist sg = Scatterlist.of(MemorySegment.ofArray(new byte[16]), MemorySegment.ofArray(new byte[16]));
        assertThat(dma.mapSg(dev, sg, 2, DmaDirection.TO_DEVICE, 0)).isZero();
        assertOnlySquatterLeft(iova);
        assertThat(sg.mappedNents()).isZero();
    }

    @Test
    void allocReturnsEmptyAndGivesThePagesBack() {
        long free = dma.machine().pageAllocator().freePages();
        long cmaUsed = dma.machine().defaultArea().orElseThrow().used();
        DmaBuffer b = dma.allocCoherent(dev, 4 * Mm.PAGE_SIZE).orElseThrow();
        dma.freeCoherent(dev, 4 * Mm.PAGE_SIZE, b);
        long iova = b.dmaAddress() + 3 * Mm.PAGE_SIZE;
        domain.map(iova, 0, Mm.PAGE_SIZE, IommuDomain.IOMMU_READ);
        assertThat(dma.allocAttrs(dev, 4 * Mm.PAGE_SIZE, Gfp.KERNEL, DmaAttrs.NONE)).isEmpty();
        assertOnlySquatterLeft(iova);
        assertThat(dma.machine().pageAllocator().freePages()).isEqualTo(free);
        assertThat(dma.machine().defaultArea().orElseThrow().used()).isEqualTo(cmaUsed);
        assertThat(dma.debug().entries(dev)).isZero();
    }
}

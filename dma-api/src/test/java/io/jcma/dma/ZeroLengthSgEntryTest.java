package io.jcma.dma;

import io.jcma.cma.mm.Mm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A zero-length scatterlist entry, as the kernel treats it: dma-direct maps it at its own
 * address with length 0 (dma_capable() of an empty buffer asks about the byte before it);
 * dma-iommu gives one that starts on a page no IOVA; swiotlb cannot bounce one (BUG_ON(!nslots)),
 * which jcma refuses instead of crashing.
 */
class ZeroLengthSgEntryTest {
    private Dma dma;

    @BeforeEach
    void boot() {
        dma = ReviewFixture.boot();
    }

    @AfterEach
    void close() {
        dma.machine().close();
    }

    private MemorySegment ram(long pfn, long bytes) {
        return dma.machine().memory().segment(pfn, 1).asSlice(0, bytes);
    }

    @Test
    void dmaDirectMapsItAtItsAddressWithLengthZero() {
        Device dev = dma.newDevice("dev0").driver("drv").masks(-1L).build();
        Scatterlist sg = Scatterlist.of(ram(20000, 512), ram(20010, 0), ram(20020, 256));
        assertThat(dma.mapSg(dev, sg, 3, DmaDirection.FROM_DEVICE, 0)).isEqualTo(3);
        assertThat(sg.dmaAddress(1)).isEqualTo(20010L << Mm.PAGE_SHIFT);
        assertThat(sg.dmaLength(1)).isZero();
        assertThat(sg.dmaLength(2)).isEqualTo(256);
        dma.syncSgForCpu(dev, sg, 3, DmaDirection.FROM_DEVICE);
        dma.unmapSg(dev, sg, 3, DmaDirection.FROM_DEVICE, 0);
        assertThat(dma.debug().errorCount()).isZero();
    }

    @Test
    void oneThatMustBounceIsRefusedAndNothingStaysMapped() {
        Device dev = dma.newDevice("dev0").driver("drv").masks(-1L).build();
        Scatterlist sg = Scatterlist.of(ram(20000, 512), MemorySegment.ofArray(new byte[0]));
        assertThatThrownBy(() -> dma.mapSg(dev, sg, 2, DmaDirection.TO_DEVICE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size: 0 (expected: > 0;")
                .hasMessageContaining("kernel BUG");
        assertThat(sg.mappedNents()).isZero();
        assertThat(dma.swiotlb().orElseThrow().used()).isZero();
    }

    @Test
    void behindAnIommuItTakesNoIovaAndJoinsTheRunningSegment() {
        IommuDomain domain = IommuDomain.create(32);
        Device dev = dma.newDevice("gpu").driver("drv").masks(-1L).iommu(domain).build();
        Scatterlist sg = Scatterlist.of(ram(20000, 4096), ram(20010, 0), ram(20020, 4096));
        // __finalise_sg: the empty entry starts on a page and adds nothing; the third joins too
        assertThat(dma.mapSg(dev, sg, 3, DmaDirection.BIDIRECTIONAL, 0)).isEqualTo(1);
        assertThat(sg.dmaLength(0)).isEqualTo(8192);
        assertThat(domain.iovaPages()).isEqualTo(2);
        assertThat(domain.iovaToPhys(sg.dmaAddress(0) + 4096)).isEqualTo(20020L << Mm.PAGE_SHIFT);
        dma.unmapSg(dev, sg, 3, DmaDirection.BIDIRECTIONAL, 0);
        assertThat(domain.iovaPages()).isZero();
        assertThat(domain.mappedPages()).isZero();
    }

    @Test
    void behindAnIommuAListOfOnlyEmptyEntriesTakesNoIova() {
        IommuDomain domain = IommuDomain.create(32);
        Device dev = dma.newDevice("gpu").driver("drv").masks(-1L).iommu(domain).build();
        Scatterlist sg = Scatterlist.of(ram(20000, 0), ram(20010, 0));
        // __finalise_sg(dev, sg, nents, 0): an empty running segment never takes the next entry
        assertThat(dma.mapSg(dev, sg, 2, DmaDirection.TO_DEVICE, 0)).isEqualTo(2);
        assertThat(sg.dmaLength(0)).isZero();
        assertThat(sg.dmaLength(1)).isZero();
        assertThat(domain.iovaPages()).isZero();
        dma.unmapSg(dev, sg, 2, DmaDirection.TO_DEVICE, 0);
        assertThat(domain.mappedPages()).isZero();
    }
}

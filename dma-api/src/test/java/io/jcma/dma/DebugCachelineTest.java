package io.jcma.dma;

import io.jcma.cma.mm.Mm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DMA-API debug's dma_active_cacheline (kernel/dma/debug.c, add_dma_entry()): two live entries
 * a device may write that start in the same 64-byte cacheline are an overlapping mapping.
 */
class DebugCachelineTest {
    private static final String EEXIST = "cacheline tracking EEXIST, overlapping mappings aren't supported";
    private static final long PFN = 20000;

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

    private long map(long offset, long size, DmaDirection dir, long attrs) {
        long a = dma.mapPage(dev, PFN, offset, size, dir, attrs);
        assertThat(dma.mappingError(dev, a)).isFalse();
        return a;
    }

    private long reports() {
        return dma.debug().errors().stream().filter(e -> e.message().equals(EEXIST)).count();
    }

    @Test
    void aSecondWritableMappingOfTheSameCachelineIsReported() {
        long a = map(0, 512, DmaDirection.FROM_DEVICE, 0);
        assertThat(reports()).isZero();
        long b = map(32, 100, DmaDirection.BIDIRECTIONAL, 0);
        assertThat(reports()).isEqualTo(1);
        assertThat(dma.machine().log().lines()).contains("DMA-API: drv dev0: " + EEXIST);
        dma.unmapSingleAttrs(dev, b, 100, DmaDirection.BIDIRECTIONAL, 0);
        dma.unmapSingleAttrs(dev, a, 512, DmaDirection.FROM_DEVICE, 0);
    }

    @Test
    void theNextCachelineIsAnotherOne() {
        long a = map(0, 512, DmaDirection.FROM_DEVICE, 0);
        long b = map(64, 64, DmaDirection.FROM_DEVICE, 0);
        assertThat(reports()).isZero();
        dma.unmapSingleAttrs(dev, b, 64, DmaDirection.FROM_DEVICE, 0);
        dma.unmapSingleAttrs(dev, a, 512, DmaDirection.FROM_DEVICE, 0);
    }

    @Test
    void toDeviceMappingsAreNotTracked() {
        long a = map(0, 512, DmaDirection.TO_DEVICE, 0);
        long b = map(0, 512, DmaDirection.TO_DEVICE, 0);
        long c = map(0, 512, DmaDirection.FROM_DEVICE, 0);
        assertThat(reports()).isZero();
        dma.unmapSingleAttrs(dev, c, 512, DmaDirection.FROM_DEVICE, 0);
        dma.unmapSingleAttrs(dev, b, 512, DmaDirection.TO_DEVICE, 0);
        dma.unmapSingleAttrs(dev, a, 512, DmaDirection.TO_DEVICE, 0);
    }

    @Test
    void skipCpuSyncMappingsOverlapWithoutAReportButAreCounted() {
        long a = map(0, 512, DmaDirection.FROM_DEVICE, 0);
        long b = map(0, 512, DmaDirection.FROM_DEVICE, DmaAttrs.SKIP_CPU_SYNC);
        assertThat(reports()).isZero();
        dma.unmapSingleAttrs(dev, a, 512, DmaDirection.FROM_DEVICE, 0);
        // b still holds the cacheline: a new mapping of it overlaps
        long c = map(0, 512, DmaDirection.FROM_DEVICE, 0);
        assertThat(reports()).isEqualTo(1);
        dma.unmapSingleAttrs(dev, c, 512, DmaDirection.FROM_DEVICE, 0);
        dma.unmapSingleAttrs(dev, b, 512, DmaDirection.FROM_DEVICE, DmaAttrs.SKIP_CPU_SYNC);
        // every unmap balanced its map: the cacheline is idle again
        long d = map(0, 512, DmaDirection.FROM_DEVICE, 0);
        assertThat(reports()).isEqualTo(1);
        dma.unmapSingleAttrs(dev, d, 512, DmaDirection.FROM_DEVICE, 0);
    }

    @Test
    void aStreamingMappingOfACoherentBuffersFirstCachelineOverlapsIt() {
        DmaBuffer buf = dma.allocCoherent(dev, 8192).orElseThrow();
        long a = dma.mapPage(dev, Mm.pfnDown(buf.phys()), 0, 256, DmaDirection.FROM_DEVICE, 0);
        assertThat(reports()).isEqualTo(1);
        dma.unmapSingleAttrs(dev, a, 256, DmaDirection.FROM_DEVICE, 0);
        dma.freeCoherent(dev, 8192, buf);
    }

    @Test
    void moreThanSevenOverlapsWarnOnce() {
        long[] a = new long[10];
        for (int i = 0; i < a.length; i++) {
            a[i] = map(0, 64, DmaDirection.FROM_DEVICE, DmaAttrs.SKIP_CPU_SYNC);
        }
        // cacheline number of pfn 20000, offset 0: 20000 << 6
        assertThat(dma.machine().log().lines()).filteredOn(l -> l.startsWith("DMA-API: exceeded"))
                .containsExactly("DMA-API: exceeded 7 overlapping mappings of cacheline " + Mm.pa(PFN << 6));
        for (long x : a) {
            dma.unmapSingleAttrs(dev, x, 64, DmaDirection.FROM_DEVICE, DmaAttrs.SKIP_CPU_SYNC);
        }
        assertThat(reports()).isZero();
    }
}

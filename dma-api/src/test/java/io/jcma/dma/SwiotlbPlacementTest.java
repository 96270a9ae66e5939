package io.jcma.dma;

import io.jcma.cma.boot.MemRange;
import io.jcma.cma.boot.Platform;
import io.jcma.cma.mm.Mm;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;

/** Where swiotlb_init puts the bounce pool: below 4 GiB, or anywhere with SWIOTLB_ANY. */
class SwiotlbPlacementTest {
    /** RAM only above 4 GiB, as real hugepages usually are. */
    private static Dma bootHigh(DmaOptions options) {
        return Dma.boot(Platform.builder().memory(new MemRange(Mm.SZ_4G, Mm.SZ_4G + (256L << 20), 0))
                .cmdline("swiotlb=1024").build(), options.withDebug(true));
    }

    @Test
    void withoutLowMemoryThereIsNoPool() {
        Dma dma = bootHigh(DmaOptions.defaults());
        try {
            assertThat(dma.swiotlb()).isEmpty();
            assertThat(dma.machine().log().lines())
                    .contains("software IO TLB: swiotlb_init_remap: failed to allocate tlb structure");
            Device dev = dma.newDevice("d0").driver("drv").masks(-1L).build();
            long a = dma.mapSingleAttrs(dev, MemorySegment.ofArray(new byte[64]), DmaDirection.TO_DEVICE,
                    DmaAttrs.NO_WARN);
            assertThat(dma.mappingError(dev, a)).as("heap memory reaches a device only by bouncing").isTrue();
        } finally {
            dma.machine().close();
        }
    }

    @Test
    void swiotlbAnyPutsThePoolAboveAndOnlyWideDevicesUseIt() {
        Dma dma = bootHigh(DmaOptions.defaults().withSwiotlbAny(true));
        try {
            long start = dma.swiotlb().orElseThrow().start();
            assertThat(start).isGreaterThanOrEqualTo(Mm.SZ_4G);
            assertThat(dma.machine().log().lines()).contains(
                    String.format("software IO TLB: mapped [mem 0x%016x-0x%016x] (2MB)", start, start + (2L << 20)));
            assertThat(dma.machine().memblock().isRegionWhollyReserved(start, 2L << 20)).isTrue();
            byte[] heap = {1, 2, 3, 4};
            Device wide = dma.newDevice("d64").driver("drv").masks(-1L).build();
            long a = dma.mapSingle(wide, MemorySegment.ofArray(heap), DmaDirection.TO_DEVICE);
            assertThat(dma.mappingError(wide, a)).isFalse();
            assertThat(a).isBetween(start, start + (2L << 20) - 4);
            assertThat(wide.memory().readU32(a).value()).isEqualTo(0x0403_0201L);
            dma.unmapSingle(wide, a, 4, DmaDirection.TO_DEVICE);
            // a 32-bit device cannot reach a pool above 4 GiB: swiotlb_map's dma_capable check fails
            Device narrow = dma.newDevice("d32").driver("drv").build();
            long n = dma.mapSingleAttrs(narrow, MemorySegment.ofArray(heap), DmaDirection.TO_DEVICE, DmaAttrs.NO_WARN);
            assertThat(dma.mappingError(narrow, n)).isTrue();
            assertThat(dma.swiotlb().orElseThrow().used()).isZero();
        } finally {
            dma.machine().close();
        }
    }

    @Test
    void withLowMemoryTooOnlySwiotlbAnyTakesTheTopOfRam() {
        for (boolean any : new boolean[] {false, true}) {
            Dma dma = Dma.boot(Platform.builder().memory(new MemRange(0, 256L << 20, 0))
                    .memory(new MemRange(Mm.SZ_4G, Mm.SZ_4G + (256L << 20), 0)).cmdline("swiotlb=1024").build(),
                    DmaOptions.defaults().withDebug(true).withSwiotlbAny(any));
            try {
                long start = dma.swiotlb().orElseThrow().start();
                // memblock allocates top-down: the highest fit below the limit
                assertThat(start).as("swiotlbAny=%s", any).isEqualTo(any
                        ? Mm.SZ_4G + (256L << 20) - (2L << 20) : (256L << 20) - (2L << 20));
            } finally {
                dma.machine().close();
            }
        }
    }
}

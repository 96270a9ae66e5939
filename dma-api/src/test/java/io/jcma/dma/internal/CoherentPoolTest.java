package io.jcma.dma.internal;

import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import io.jcma.cma.fdt.Fdt;
import io.jcma.cma.fdt.FdtWriter;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.of.ReservedRegion;
import io.jcma.dma.Dma;
import io.jcma.dma.DmaOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** rmem_dma_setup() of kernel/dma/coherent.c, declared by the DMA layer's boot hook. */
class CoherentPoolTest {
    /** 1 GiB at 0x40000000 and one reserved-memory child at {@code base}, written without dtc. */
    private static Dma boot(String child, long base, long size, boolean reusable) {
        FdtWriter w = FdtWriter.create().beginNode("")
                .cells("#address-cells", 2).cells("#size-cells", 2)
                .beginNode("memory@40000000").strings("device_type", "memory")
                .u64s("reg", 0x40000000L, 0x40000000L).endNode()
                .beginNode("reserved-memory").cells("#address-cells", 2).cells("#size-cells", 2).property("ranges")
                .beginNode(child).strings("compatible", "shared-dma-pool").u64s("reg", base, size);
        if (reusable) {
            w.property("reusable");
        }
        byte[] blob = w.endNode().endNode().endNode().finish(0);
        return Dma.boot(Platform.builder().deviceTree(Fdt.parse(blob)).build(), DmaOptions.defaults());
    }

    private static ReservedRegion region(Machine m, String name) {
        return m.reservedMemory().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void poolWithoutReusableBecomesACoherentDmaPool() {
        Dma dma = boot("coherent@51000000", 0x51000000L, 2 * Mm.SZ_1M, false);
        try (Machine m = dma.machine()) {
            assertThat(m.cma().byName("coherent@51000000")).isEmpty();
            ReservedRegion r = region(m, "coherent@51000000");
            assertThat(r.kind()).isEqualTo(ReservedRegion.Kind.DMA_POOL);
            assertThat(r.cma()).isEmpty();
            assertThat(m.log().lines()).contains("Reserved memory: created DMA memory pool at 0x0000000051000000, size 2 MiB");
            assertThat(m.memblock().isRegionWhollyReserved(0x51000000L, 2 * Mm.SZ_1M)).isTrue();
        }
    }

    @Test
    void aReusablePoolIsCmasAndTheCoherentHandlerIsNotTried() {
        Dma dma = boot("pool@52000000", 0x52000000L, 4 * Mm.SZ_1M, true);
        try (Machine m = dma.machine()) {
            assertThat(region(m, "pool@52000000").kind()).isEqualTo(ReservedRegion.Kind.CMA);
            assertThat(m.log().lines()).noneMatch(l -> l.contains("created DMA memory pool"));
        }
    }

    @Test
    void theHookDeclaresRmemDmaSetupUnderTheKernelsName() {
        assertThat(new DmaHook(DmaOptions.defaults()).reservedMemHandlers())
                .extracting(h -> List.of(h.name(), h.compatible()))
                .containsExactly(List.of("dma", "shared-dma-pool"));
    }
}

package io.jcma.cma.boot;

import io.jcma.cma.Cma;
import io.jcma.cma.fdt.Dtc;
import io.jcma.cma.fdt.Fdt;
import io.jcma.cma.fdt.FdtNode;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.of.DeviceNode;
import io.jcma.cma.of.ReservedRegion;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-in jcma-virt platform: its blob matches its source, and it boots to what it promises. */
class DefaultPlatformTest {
    private static final long MiB = Mm.SZ_1M;

    @Test
    void shippedBlobIsTheShippedSourceCompiled() {
        Fdt shipped = DefaultPlatform.fdt();
        Fdt compiled = Fdt.parse(Dtc.compile(DefaultPlatform.dts()));
        assertThat(shipped.nodes()).extracting(FdtNode::path)
                .isEqualTo(compiled.nodes().stream().map(FdtNode::path).toList());
        for (FdtNode n : compiled.nodes()) {
            assertThat(shipped.node(n.path()).orElseThrow().properties()).as(n.path()).isEqualTo(n.properties());
        }
    }

    @Test
    void bootsFourGiBWithItsPoolsAndDevices() {
        try (Machine m = Machine.boot(DefaultPlatform.builder().build())) {
            assertThat(m.arch()).isEqualTo(Arch.ARM64);
            assertThat(m.memblock().physMemSize()).isEqualTo(4096 * MiB);
            assertThat(m.errors()).isEmpty();
            assertThat(m.cma().areas()).extracting(Cma::name)
                    .containsExactlyInAnyOrder("linux,cma", "gpu-memory", "vcodec-memory@60000000");
            assertThat(m.cma().areas()).allMatch(Cma::active);
            Cma def = m.cma().byName("linux,cma").orElseThrow();
            assertThat(m.defaultArea()).containsSame(def);
            assertThat(def.size()).isEqualTo(64 * MiB);
            assertThat(def.base() + def.size()).isLessThanOrEqualTo(Mm.SZ_4G);

            DeviceNode gpu = m.devices(DefaultPlatform.GPU).getFirst();
            assertThat(gpu.cma().map(Cma::name)).contains("gpu-memory");
            assertThat(gpu.cma().orElseThrow().size()).isEqualTo(128 * MiB);
            DeviceNode codec = m.devices(DefaultPlatform.VIDEO_CODEC).getFirst();
            assertThat(codec.cma().orElseThrow().base()).isEqualTo(0x6000_0000L);
            DeviceNode dma = m.devices(DefaultPlatform.DMA_ENGINE).getFirst();
            assertThat(dma.cma()).isEmpty();
            assertThat(dma.busDmaLimit()).isEqualTo(0xffff_ffffL);
            assertThat(dma.interrupts()).containsExactly(0L, 34L, 4L);

            assertThat(m.reservedMemory()).filteredOn(ReservedRegion::nomap).extracting(ReservedRegion::name)
                    .containsExactly("firmware@7f000000");
            assertThat(m.log().lines()).contains("Machine model: jcma virtual board",
                    "Reserved memory: created CMA memory pool at 0x0000000060000000, size 32 MiB");
        }
    }
}

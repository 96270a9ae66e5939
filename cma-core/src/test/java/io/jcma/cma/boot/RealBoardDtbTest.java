package io.jcma.cma.boot;

import io.jcma.cma.Cma;
import io.jcma.cma.fdt.Dtc;
import io.jcma.cma.fdt.Fdt;
import io.jcma.cma.fdt.FdtNode;
import io.jcma.cma.fdt.FdtWriter;
import io.jcma.cma.mm.Memblock;
import io.jcma.cma.mm.ZoneType;
import io.jcma.cma.of.DeviceNode;
import io.jcma.cma.of.ReservedRegion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real boards' DTBs from Debian's arm64 kernel (see src/test/resources/dtb/README.md) parse,
 * round-trip and boot to the CMA areas their reserved-memory nodes describe. Each expected
 * base is worked out from the tree in a comment: memblock places pools top-down.
 */
class RealBoardDtbTest {
    private static final long MiB = 1L << 20;

    static byte[] blob(String name) throws IOException {
        try (InputStream in = RealBoardDtbTest.class.getResourceAsStream("/dtb/" + name)) {
            return in.readAllBytes();
        }
    }

    static Machine boot(String name, long mem) throws IOException {
        Platform.Builder b = Platform.builder().deviceTree(Fdt.parse(blob(name)));
        if (mem != 0) {
            b.mem(mem);
        }
        return Machine.boot(b.build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bcm2711-rpi-4-b.dtb", "imx8mp-tqma8mpql-mba8mpxl.dtb", "imx8dxl-evk.dtb",
            "meson-g12b-odroid-n2.dtb", "hi6220-hikey.dtb", "bcm2837-rpi-3-b.dtb"})
    void parsesAndRoundTrips(String name) throws IOException {
        byte[] b = blob(name);
        Fdt f = Fdt.parse(b);
        assertThat(f.version()).isEqualTo(17);
        Fdt again = Fdt.parse(FdtWriter.write(f));
        assertThat(again.nodes()).extracting(FdtNode::path).isEqualTo(f.nodes().stream().map(FdtNode::path).toList());
        for (FdtNode n : f.nodes()) {
            assertThat(again.node(n.path()).orElseThrow().properties()).isEqualTo(n.properties());
        }
        if (Dtc.available()) {
            // dtc's own reading of the blob has as many nodes as ours
            long dtcNodes = Dtc.decompile(b).lines().filter(l -> l.endsWith(" {")).count();
            assertThat(f.nodes()).hasSize((int) dtcNodes);
        }
    }

    @Test
    void raspberryPi4NeedsRamFromTheBootloaderAndLimitsZoneDmaToOneGiB() throws IOException {
        assertThatThrownBy(() -> boot("bcm2711-rpi-4-b.dtb", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("give --mem or --memory");
        try (Machine m = boot("bcm2711-rpi-4-b.dtb", 4L << 30)) {
            assertThat(m.log().lines()).contains("Machine model: Raspberry Pi 4 Model B");
            // emmc2bus dma-ranges = <0x0 0xc0000000 0x0 0x0 0x40000000>: CPU addresses below 1 GiB
            assertThat(m.dmaLimit()).isEqualTo(0x4000_0000L);
            assertThat(m.zoneLayout().typeEnd(ZoneType.DMA)).isEqualTo(0x4000_0000L);
            // linux,cma: 64 MiB, alloc-ranges <0x0 0x0 0x40000000>: the top of the first GiB
            Cma c = m.cma().byName("linux,cma").orElseThrow();
            assertThat(c.base()).isEqualTo(0x3c00_0000L);
            assertThat(c.size()).isEqualTo(64 * MiB);
            assertThat(m.defaultArea()).containsSame(c);
            DeviceNode emmc = m.devices("brcm,bcm2711-emmc2").getFirst();
            // 0x7e340000 on the bus, 0xfe340000 for the CPU through emmc2bus's ranges
            assertThat(emmc.reg().getFirst().address()).isEqualTo(0xfe34_0000L);
            assertThat(emmc.busDmaLimit()).isEqualTo(0xc000_0000L + 0x4000_0000L - 1);
            assertThat(m.errors()).isEmpty();
        }
    }

    @Test
    void raspberryPi3PoolStraddlesZoneDmaAndIsNotActivated() throws IOException {
        try (Machine m = boot("bcm2837-rpi-3-b.dtb", 1L << 30)) {
            // 64 MiB top-down from 1 GiB: 0x3c000000; ZONE_DMA ends at 0x3f000000 (soc dma-ranges)
            assertThat(m.reservedMemory().getFirst().base()).isEqualTo(0x3c00_0000L);
            assertThat(m.zoneLayout().typeEnd(ZoneType.DMA)).isEqualTo(0x3f00_0000L);
            assertThat(m.errors()).containsExactly("cma: CMA area linux,cma could not be activated");
        }
    }

    /**
     * 960 MiB (QEMU's raspi3b keeps the top 64 MiB for the VideoCore) and cma=32M. Top-down below
     * 0x3c000000, the arm64 early allocations: 482 page-table pages for the linear map (480 PTE
     * tables, one PMD, one PUD) down to 0x3be1e000; the reserved_mem array (one region, 48 bytes),
     * the unflattened tree (123 nodes, 691 properties: 113692 bytes + 4) and three alias_props
     * (47, 47 and 49 bytes) down to about 0x3be02300; NODE_DATA(0), its cpumask, the 2 MiB
     * mem_section table, one section root and eight usemaps down to about 0x3bbfe100: 7936 bytes
     * more than 4 MiB below the top. The 16 MiB memmap of 8 sections, 2 MiB aligned, must end at
     * or below that: [0x3aa00000, 0x3ba00000). cma= goes right below: 0x38a00000. The real 6.12
     * kernel put it at 0x38c00000, 2 MiB higher: it maps the linear alias of its own image with
     * 2 MiB blocks and so spends some ten fewer page-table pages, enough for the memmap to end at
     * 0x3bc00000; jcma loads no kernel image.
     */
    @Test
    void raspberryPi3CmdlineAreaLandsBelowTheEarlyAllocations() throws IOException {
        Platform p = Platform.builder().deviceTree(Fdt.parse(blob("bcm2837-rpi-3-b.dtb")))
                .memory(new MemRange(0, 0x3c00_0000L, 0)).cmdline("cma=32M").build();
        try (Machine m = Machine.boot(p)) {
            Cma c = m.cma().byName("reserved").orElseThrow();
            assertThat(c.base()).isEqualTo(0x38a0_0000L);
            assertThat(m.memblock().isRegionWhollyReserved(0x3aa0_0000L, 16 * MiB)).isTrue();
            assertThat(m.memblock().isRegionWhollyReserved(0x3be1_e000L, 0x3c00_0000L - 0x3be1_e000L)).isTrue();
            assertThat(m.log().lines()).contains("cma: Reserved 32 MiB at 0x0000000038a00000 on node -1");
            // the kernel printed "Memory: 880092K/983040K available (... 65936K reserved, 32768K
            // cma-reserved)": the same total and CMA figures; jcma reserves no image or initrd
            assertThat(m.log().lines()).anyMatch(l -> l.startsWith("Memory: ") && l.contains("K/983040K available")
                    && l.endsWith("K reserved, 32768K cma-reserved)"));
        }
    }

    @Test
    void imx8mPlusPoolSkipsTheDspCarveOut() throws IOException {
        try (Machine m = boot("imx8mp-tqma8mpql-mba8mpxl.dtb", 0)) {
            // RAM 0x40000000-0xbfffffff; 896 MiB below 0xc0000000 would cover dsp@92400000 (no-map),
            // so it goes right below the DSP: 0x92400000 - 0x38000000
            Cma c = m.cma().byName("linux,cma").orElseThrow();
            assertThat(c.base()).isEqualTo(0x5a40_0000L);
            assertThat(c.size()).isEqualTo(896 * MiB);
            assertThat(m.memblock().memory()).filteredOn(Memblock.Region::nomap)
                    .extracting(Memblock.Region::base).containsExactly(0x9240_0000L);
            // fdt_init_reserved_mem() order: the dynamic pool, then the static regions by address
            assertThat(m.reservedMemory()).extracting(ReservedRegion::name)
                    .containsExactly("linux,cma", "ocram@900000", "dsp@92400000");
        }
    }

    @Test
    void imx8dxlPoolIsPinnedByItsAllocRange() throws IOException {
        try (Machine m = boot("imx8dxl-evk.dtb", 0)) {
            Cma c = m.cma().byName("linux,cma").orElseThrow();
            assertThat(c.base()).isEqualTo(0x9800_0000L);
            assertThat(c.size()).isEqualTo(320 * MiB);
        }
    }

    @Test
    void amlogicSecureMonitorCarveOutsAndAlignedPool() throws IOException {
        try (Machine m = boot("meson-g12b-odroid-n2.dtb", 0)) {
            // 256 MiB, 4 MiB aligned, top-down below the end of RAM at 1 GiB
            assertThat(m.cma().byName("linux,cma").orElseThrow().base()).isEqualTo(0x3000_0000L);
            assertThat(m.reservedMemory()).filteredOn(ReservedRegion::nomap).extracting(ReservedRegion::name)
                    .containsExactly("secmon@5000000", "secmon@5300000");
            assertThat(m.log().lines()).contains("Machine model: Hardkernel ODROID-N2");
        }
    }

    @Test
    void hikeyRamInBanksAndAnUnclaimedRamoopsRegion() throws IOException {
        try (Machine m = boot("hi6220-hikey.dtb", 0)) {
            // six (address, size) pairs in memory@0's reg; the last ends at 0x3e000000, so the
            // 128 MiB pool sits at 0x36000000
            assertThat(m.memblock().memory()).hasSize(6);
            assertThat(m.memblock().end()).isEqualTo(0x3e00_0000L);
            assertThat(m.cma().byName("linux,cma").orElseThrow().base()).isEqualTo(0x3600_0000L);
            ReservedRegion ramoops = m.reservedMemory().stream().filter(r -> r.name().equals("ramoops@21f00000"))
                    .findFirst().orElseThrow();
            assertThat(ramoops.kind()).isEqualTo(ReservedRegion.Kind.CARVEOUT);
            assertThat(ramoops.compatible()).containsExactly("ramoops");
            assertThat(m.memblock().isRegionWhollyReserved(0x21f0_0000L, MiB)).isTrue();
        }
    }
}

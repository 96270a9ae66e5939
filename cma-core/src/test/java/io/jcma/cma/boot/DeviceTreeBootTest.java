package io.jcma.cma.boot;

import io.jcma.cma.Cma;
import io.jcma.cma.fdt.Dtc;
import io.jcma.cma.fdt.Fdt;
import io.jcma.cma.mm.Memblock;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.ZoneType;
import io.jcma.cma.of.DeviceNode;
import io.jcma.cma.of.ReservedRegion;
import io.jcma.cma.of.internal.OfReservedMem;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Boots machines from device-tree sources compiled by dtc: every reserved-memory rule of
 * of_reserved_mem.c / rmem_cma_setup(), the NUMA areas, /chosen, /memreserve/, dma-ranges and
 * device nodes. RAM is 1 GiB at 0x40000000 unless a test says otherwise.
 */
class DeviceTreeBootTest {
    private static final long MiB = Mm.SZ_1M;
    private static final String MEMORY = """
            memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x40000000>; };
            """;

    static Fdt dt(String body) {
        String src = "/dts-v1/;\n/ {\n #address-cells = <2>;\n #size-cells = <2>;\n model = \"test board\";\n" + body + "\n};\n";
        return Fdt.parse(Dtc.compile(src));
    }

    static String rmem(String children) {
        return "reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;\n" + children + "\n};\n";
    }

    static Machine boot(String body, String cmdline) {
        return Machine.boot(Platform.builder().deviceTree(dt(body)).cmdline(cmdline).build());
    }

    static Cma area(Machine m, String name) {
        return m.cma().byName(name).orElseThrow(() -> new AssertionError("no area " + name + " in " + m.cma().areas()
                + "\n" + String.join("\n", m.log().lines())));
    }

    static ReservedRegion region(Machine m, String name) {
        return m.reservedMemory().stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no region " + name + " in " + m.reservedMemory()));
    }

    @Test
    void defaultPoolWithAllocRangesBecomesTheDefaultArea() {
        try (Machine m = boot(MEMORY + rmem("""
                linux,cma { compatible = "shared-dma-pool"; reusable; size = <0x0 0x2000000>;
                    alignment = <0x0 0x400000>; alloc-ranges = <0x0 0x48000000 0x0 0x8000000>; linux,cma-default; };
                """), "")) {
            Cma c = area(m, "linux,cma");
            assertThat(c.size()).isEqualTo(32 * MiB);
            // top-down inside [0x48000000, 0x50000000), 4 MiB aligned
            assertThat(c.base()).isEqualTo(0x4e000000L);
            assertThat(c.active()).isTrue();
            assertThat(m.defaultArea()).containsSame(c);
            // the DT pool is the default: dma_contiguous_reserve() adds no "reserved" area
            assertThat(m.cma().byName("reserved")).isEmpty();
            assertThat(m.log().lines()).contains(
                    "Reserved memory: created CMA memory pool at 0x000000004e000000, size 32 MiB",
                    "OF: reserved mem: initialized node linux,cma, compatible id shared-dma-pool",
                    "OF: reserved mem: 0x000000004e000000..0x000000004fffffff (32768 KiB) map reusable linux,cma");
            assertThat(m.errors()).isEmpty();
        }
    }

    @Test
    void allocRangesAreTriedInOrderUntilOneFits() {
        try (Machine m = boot(MEMORY + rmem("""
                pool { compatible = "shared-dma-pool"; reusable; size = <0x0 0x2000000>;
                    alloc-ranges = <0x0 0x10000000 0x0 0x1000000>, <0x0 0x60000000 0x0 0x4000000>; };
                """), "")) {
            assertThat(area(m, "pool").base()).isEqualTo(0x62000000L);
        }
    }

    @Test
    void fixedPoolThroughRegLiesExactlyThere() {
        try (Machine m = boot(MEMORY + rmem("""
                fixed@50000000 { compatible = "shared-dma-pool"; reusable; reg = <0x0 0x50000000 0x0 0x1000000>; };
                """), "")) {
            Cma c = area(m, "fixed@50000000");
            assertThat(c.base()).isEqualTo(0x50000000L);
            assertThat(c.size()).isEqualTo(16 * MiB);
            assertThat(c.active()).isTrue();
            // not a default pool: the arm64 CONFIG_CMA_SIZE_MBYTES area is reserved too
            assertThat(area(m, "reserved").size()).isEqualTo(64 * MiB);
            assertThat(m.log().lines()).contains("Reserved memory: created CMA memory pool at 0x0000000050000000, size 16 MiB");
        }
    }

    @Test
    void perDevicePoolThroughMemoryRegion() {
        try (Machine m = boot(MEMORY + rmem("""
                cam: camera-pool { compatible = "shared-dma-pool"; reusable; size = <0x0 0x800000>; };
                """) + """
                soc { compatible = "simple-bus"; #address-cells = <1>; #size-cells = <1>;
                    ranges = <0x0 0x0 0x10000000 0x1000000>;
                    camera@20000 { compatible = "vendor,camera", "generic,camera"; reg = <0x20000 0x1000>;
                        interrupts = <0 45 4>; memory-region = <&cam>; };
                };
                """, "")) {
            DeviceNode d = m.devices("generic,camera").getFirst();
            assertThat(d.path()).isEqualTo("/soc/camera@20000");
            assertThat(d.compatible()).containsExactly("vendor,camera", "generic,camera");
            // reg translated through the bus's ranges
            assertThat(d.reg()).extracting(r -> r.address()).containsExactly(0x10020000L);
            assertThat(d.interrupts()).containsExactly(0L, 45L, 4L);
            assertThat(d.memoryRegion()).contains("camera-pool");
            assertThat(d.cma()).containsSame(area(m, "camera-pool"));
            assertThat(m.devices("simple-bus")).hasSize(1);
        }
    }

    @Test
    void noMapCarveOutIsNomapAndNeverHandedOut() {
        try (Machine m = boot(MEMORY + rmem("""
                secure@48000000 { reg = <0x0 0x48000000 0x0 0x400000>; no-map; };
                """), "")) {
            ReservedRegion r = region(m, "secure@48000000");
            assertThat(r.kind()).isEqualTo(ReservedRegion.Kind.CARVEOUT);
            assertThat(r.nomap()).isTrue();
            Memblock.Region mem = m.memblock().memory().stream().filter(x -> x.base() == 0x48000000L).findFirst().orElseThrow();
            assertThat(mem.nomap()).isTrue();
            assertThat(mem.size()).isEqualTo(4 * MiB);
            assertThat(m.memblock().freeRanges(Mm.NUMA_NO_NODE)).noneMatch(f -> f.base() < 0x48400000L && f.end() > 0x48000000L);
            assertThat(m.log().lines()).contains(
                    "OF: reserved mem: 0x0000000048000000..0x00000000483fffff (4096 KiB) nomap non-reusable secure@48000000");
        }
    }

    @Test
    void carveOutWithoutNoMapIsReserved() {
        try (Machine m = boot(MEMORY + rmem("fw@49000000 { reg = <0x0 0x49000000 0x0 0x100000>; };"), "")) {
            assertThat(m.memblock().isRegionWhollyReserved(0x49000000L, MiB)).isTrue();
            assertThat(region(m, "fw@49000000").nomap()).isFalse();
        }
    }

    @Test
    void twoNumaNodesWithNumaCmaAndPernuma() {
        String mem = """
                memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x40000000>; numa-node-id = <0>; };
                memory@80000000 { device_type = "memory"; reg = <0x0 0x80000000 0x0 0x40000000>; numa-node-id = <1>; };
                """;
        try (Machine m = boot(mem, "numa_cma=0:16M,1:32M cma_pernuma=8M")) {
            assertThat(m.cma().areas()).extracting(Cma::name)
                    .containsExactly("pernuma0", "numa0", "pernuma1", "numa1", "reserved");
            for (Cma c : m.cma().areas().subList(0, 4)) {
                int nid = c.name().endsWith("0") ? 0 : 1;
                assertThat(c.nid()).isEqualTo(nid);
                long lo = nid == 0 ? 0x40000000L : 0x80000000L;
                assertThat(c.base()).isBetween(lo, lo + 0x40000000L - c.size());
            }
            assertThat(area(m, "numa0").size()).isEqualTo(16 * MiB);
            assertThat(area(m, "numa1").size()).isEqualTo(32 * MiB);
            assertThat(area(m, "pernuma1").size()).isEqualTo(8 * MiB);
            assertThat(m.numaArea(1)).containsSame(area(m, "numa1"));
            assertThat(m.pernumaArea(0)).containsSame(area(m, "pernuma0"));
            assertThat(m.pernumaArea(2)).isEmpty();
            Cma p0 = area(m, "pernuma0");
            assertThat(m.log().lines()).contains("cma: Reserved 8 MiB at " + Mm.pa(p0.base()) + " on node 0");
            assertThat(m.log().lines()).anyMatch(l -> l.startsWith("  node   1: [mem 0x0000000080000000-"));
        }
    }

    @Test
    void numaCmaOnANodeWithoutRoomWarnsAndGoesOn() {
        String mem = """
                memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x40000000>; numa-node-id = <0>; };
                memory@80000000 { device_type = "memory"; reg = <0x0 0x80000000 0x0 0x800000>; numa-node-id = <1>; };
                """;
        try (Machine m = boot(mem, "numa_cma=1:64M,0:16M")) {
            assertThat(m.cma().areas()).extracting(Cma::name).containsExactly("numa0", "reserved");
            assertThat(m.log().lines()).contains("cma: dma_numa_cma_reserve: reservation failed: err -12, node 1");
        }
    }

    @Test
    void cmaOnTheCommandLineBypassesTheDefaultPool() {
        try (Machine m = boot(MEMORY + rmem("""
                linux,cma { compatible = "shared-dma-pool"; reusable; size = <0x0 0x2000000>; linux,cma-default; };
                """), "cma=16M")) {
            assertThat(m.cma().byName("linux,cma")).isEmpty();
            assertThat(area(m, "reserved").size()).isEqualTo(16 * MiB);
            assertThat(m.defaultArea().map(Cma::name)).contains("reserved");
            assertThat(m.log().lines()).contains(
                    "Reserved memory: bypass linux,cma node, using cmdline CMA params instead",
                    "OF: reserved mem: node linux,cma compatible matching fail");
            ReservedRegion r = region(m, "linux,cma");
            assertThat(r.kind()).isEqualTo(ReservedRegion.Kind.FAILED);
            // its memory went back to memblock; the kernel's early allocations then take the top of
            // RAM: 514 page-table pages below 0x80000000, the tree, NODE_DATA and the 2 MiB
            // mem_section table below those (lowest near 0x7fbf9000), then the 16 MiB memmap of
            // 8 sections, 2 MiB aligned: [0x7ea00000, 0x7fa00000). The cmdline area goes right
            // below, over the lower part of the pool's old place.
            assertThat(r.base()).isEqualTo(0x7e000000L);
            assertThat(area(m, "reserved").base()).isEqualTo(0x7da00000L);
            assertThat(area(m, "reserved").base() + 16 * MiB).isGreaterThan(r.base());
        }
    }

    @Test
    void cmaOnTheCommandLineKeepsNonDefaultPools() {
        try (Machine m = boot(MEMORY + rmem("""
                gpu { compatible = "shared-dma-pool"; reusable; size = <0x0 0x2000000>; };
                """), "cma=16M")) {
            assertThat(m.cma().areas()).extracting(Cma::name).containsExactly("gpu", "reserved");
        }
    }

    @Test
    void reusableNoMapPoolFailsAndIsMappedAgain() {
        try (Machine m = boot(MEMORY + rmem("""
                bad@50000000 { compatible = "shared-dma-pool"; reusable; no-map; reg = <0x0 0x50000000 0x0 0x400000>; };
                """), "")) {
            assertThat(m.cma().byName("bad@50000000")).isEmpty();
            assertThat(region(m, "bad@50000000").kind()).isEqualTo(ReservedRegion.Kind.FAILED);
            assertThat(m.log().lines()).contains("OF: reserved mem: node bad@50000000 compatible matching fail");
            assertThat(m.memblock().memory()).noneMatch(Memblock.Region::nomap);
        }
    }

    @Test
    void poolWithoutReusableFailsToMatchWithoutTheDmaLayer() {
        // rmem_dma_setup() is kernel/dma/coherent.c's, declared by the DMA layer's boot hook (its
        // test is dma-api's CoherentPoolTest); cma-core alone is a kernel without it
        try (Machine m = boot(MEMORY + rmem("""
                coherent@51000000 { compatible = "shared-dma-pool"; reg = <0x0 0x51000000 0x0 0x200000>; };
                """), "")) {
            assertThat(m.cma().byName("coherent@51000000")).isEmpty();
            assertThat(region(m, "coherent@51000000").kind()).isEqualTo(ReservedRegion.Kind.FAILED);
            assertThat(m.log().lines()).contains("OF: reserved mem: node coherent@51000000 compatible matching fail")
                    .noneMatch(l -> l.contains("created DMA memory pool"));
            assertThat(m.memblock().isRegionWhollyReserved(0x51000000L, 2 * MiB)).isFalse();
        }
    }

    @Test
    void misalignedCmaRegionIsRefused() {
        try (Machine m = boot(MEMORY + rmem("""
                odd@50100000 { compatible = "shared-dma-pool"; reusable; reg = <0x0 0x50100000 0x0 0x400000>; };
                """), "")) {
            assertThat(m.cma().byName("odd@50100000")).isEmpty();
            assertThat(m.errors()).contains("Reserved memory: incorrect alignment of CMA region");
            assertThat(m.log().lines()).contains("OF: reserved mem: node odd@50100000 compatible matching fail");
            assertThat(m.memblock().isRegionReserved(0x50100000L, 4 * MiB)).isFalse();
        }
    }

    @Test
    void cmaRegionOutsideRamCannotBeSetUp() {
        try (Machine m = boot(MEMORY + rmem("""
                hole@90000000 { compatible = "shared-dma-pool"; reusable; reg = <0x0 0x90000000 0x0 0x400000>; };
                """), "")) {
            assertThat(m.cma().byName("hole@90000000")).isEmpty();
            assertThat(m.errors()).contains("Reserved memory: unable to setup CMA region");
        }
    }

    @Test
    void moreCmaPoolsThanSlotsRunOutOfSlots() {
        StringBuilder pools = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            pools.append("p").append(i).append(" { compatible = \"shared-dma-pool\"; reusable; size = <0x0 0x200000>; };\n");
        }
        try (Machine m = boot(MEMORY + rmem(pools.toString()), "")) {
            assertThat(m.cma().count()).isEqualTo(8);
            assertThat(m.errors()).contains("cma: Not enough slots for CMA reserved regions!",
                    "Reserved memory: unable to setup CMA region");
        }
    }

    @Test
    void moreRegionsThanTheKernelSavesAreDropped() {
        StringBuilder carveOuts = new StringBuilder();
        for (int i = 0; i < OfReservedMem.MAX_RESERVED_REGIONS + 1; i++) {
            long base = 0x48000000L + i * 0x10000L;
            carveOuts.append(String.format("r@%x { reg = <0x0 0x%x 0x0 0x10000>; };%n", base, base));
        }
        try (Machine m = boot(MEMORY + rmem(carveOuts.toString()), "")) {
            assertThat(m.reservedMemory()).hasSize(OfReservedMem.MAX_RESERVED_REGIONS);
            assertThat(m.errors()).containsOnlyOnce("OF: reserved mem: not enough space for all defined regions.");
            // the 65th is still reserved in memblock, only not recorded
            assertThat(m.memblock().isRegionWhollyReserved(0x48000000L + 64 * 0x10000L, 0x10000L)).isTrue();
        }
    }

    @Test
    void invalidSizeProperty() {
        try (Machine m = boot(MEMORY + rmem("p { compatible = \"shared-dma-pool\"; reusable; size = <0x2000000>; };"), "")) {
            assertThat(m.errors()).contains("OF: reserved mem: invalid size property in 'p' node.");
            assertThat(m.cma().byName("p")).isEmpty();
        }
    }

    @Test
    void invalidAlignmentProperty() {
        try (Machine m = boot(MEMORY + rmem("""
                p { compatible = "shared-dma-pool"; reusable; size = <0x0 0x2000000>; alignment = <0x400000>; };
                """), "")) {
            assertThat(m.errors()).contains("OF: reserved mem: invalid alignment property in 'p' node.");
        }
    }

    @Test
    void invalidAllocRangesProperty() {
        try (Machine m = boot(MEMORY + rmem("""
                p { compatible = "shared-dma-pool"; reusable; size = <0x0 0x2000000>; alloc-ranges = <0x0 0x40000000 0x0>; };
                """), "")) {
            assertThat(m.errors()).contains("OF: reserved mem: invalid alloc-ranges property in 'p', skipping node.");
            assertThat(m.cma().byName("p")).isEmpty();
        }
    }

    @Test
    void poolThatDoesNotFitFailsToAllocate() {
        try (Machine m = boot(MEMORY + rmem("""
                big { compatible = "shared-dma-pool"; reusable; size = <0x0 0x80000000>; };
                away { compatible = "shared-dma-pool"; reusable; size = <0x0 0x200000>; alloc-ranges = <0x1 0x0 0x0 0x10000000>; };
                """), "")) {
            assertThat(m.errors()).contains("OF: reserved mem: failed to allocate memory for node 'big': size 2048 MiB",
                    "OF: reserved mem: failed to allocate memory for node 'away': size 2 MiB");
            assertThat(m.reservedMemory()).isEmpty();
        }
    }

    @Test
    void invalidRegProperty() {
        try (Machine m = boot(MEMORY + rmem("r@48000000 { reg = <0x0 0x48000000 0x0>; };"), "")) {
            assertThat(m.errors()).contains("OF: reserved mem: Reserved memory: invalid reg property in 'r@48000000', skipping node.");
            assertThat(m.memblock().isRegionReserved(0x48000000L, MiB)).isFalse();
        }
    }

    @Test
    void noMapOverAnotherReservationFails() {
        try (Machine m = boot(MEMORY + rmem("""
                a@48000000 { reg = <0x0 0x48000000 0x0 0x200000>; };
                b@48100000 { reg = <0x0 0x48100000 0x0 0x200000>; no-map; };
                """), "")) {
            assertThat(m.errors()).contains(
                    "OF: reserved mem: Reserved memory: failed to reserve memory for node 'b@48100000': base 0x0000000048100000, size 2 MiB",
                    "OF: reserved mem: OVERLAP DETECTED!",
                    "a@48000000 (0x0000000048000000--0x0000000048200000) overlaps with b@48100000 (0x0000000048100000--0x0000000048300000)");
        }
    }

    @Test
    void reservedMemoryWithOtherCellsIsIgnored() {
        String body = MEMORY + """
                reserved-memory { #address-cells = <1>; #size-cells = <1>; ranges;
                    p { compatible = "shared-dma-pool"; reusable; size = <0x2000000>; linux,cma-default; }; };
                """;
        try (Machine m = boot(body, "")) {
            assertThat(m.errors()).contains("OF: reserved mem: Reserved memory: unsupported node format, ignoring");
            assertThat(m.cma().areas()).extracting(Cma::name).containsExactly("reserved");
        }
    }

    @Test
    void reservedMemoryWithoutRangesIsIgnored() {
        String body = MEMORY + """
                reserved-memory { #address-cells = <2>; #size-cells = <2>;
                    p { compatible = "shared-dma-pool"; reusable; size = <0x0 0x2000000>; }; };
                """;
        try (Machine m = boot(body, "")) {
            assertThat(m.errors()).contains("OF: reserved mem: Reserved memory: unsupported node format, ignoring");
            assertThat(m.reservedMemory()).isEmpty();
        }
    }

    @Test
    void disabledRegionsAreSkipped() {
        try (Machine m = boot(MEMORY + rmem("""
                p { compatible = "shared-dma-pool"; reusable; size = <0x0 0x2000000>; status = "disabled"; };
                """), "")) {
            assertThat(m.reservedMemory()).isEmpty();
            assertThat(m.cma().byName("p")).isEmpty();
        }
    }

    @Test
    void chosenBootargsAreTheCommandLineUnlessOneIsGiven() {
        String body = MEMORY + "chosen { bootargs = \"cma=32M quiet\"; };";
        try (Machine m = boot(body, "")) {
            assertThat(m.cmdline().text()).isEqualTo("cma=32M quiet");
            Cma reserved = area(m, "reserved");
            assertThat(reserved.size()).isEqualTo(32 * MiB);
            // the default area is reserved on NUMA_NO_NODE, which 6.12 prints as node -1
            assertThat(m.log().lines()).contains("cma: Reserved 32 MiB at " + Mm.pa(reserved.base()) + " on node -1");
        }
        try (Machine m = boot(body, "cma=8M")) {
            assertThat(m.cmdline().text()).isEqualTo("cma=8M");
            assertThat(area(m, "reserved").size()).isEqualTo(8 * MiB);
        }
    }

    @Test
    void memreserveEntriesAreReserved() {
        String src = "/dts-v1/;\n/memreserve/ 0x44000000 0x100000;\n/ { #address-cells = <2>; #size-cells = <2>;\n" + MEMORY + "};\n";
        Fdt fdt = Fdt.parse(Dtc.compile(src));
        assertThat(fdt.memReserve()).containsExactly(new Fdt.Reservation(0x44000000L, MiB));
        try (Machine m = Machine.boot(Platform.builder().deviceTree(fdt).build())) {
            assertThat(m.memblock().isRegionWhollyReserved(0x44000000L, MiB)).isTrue();
        }
    }

    @Test
    void memreserveComesAfterStaticRegionsAndBeforeDynamicOnes() {
        String src = "/dts-v1/;\n/memreserve/ 0x7e000000 0x2000000;\n/ { #address-cells = <2>; #size-cells = <2>;\n" + MEMORY
                + rmem("""
                fw@7f000000 { reg = <0x0 0x7f000000 0x0 0x100000>; no-map; };
                pool { compatible = "shared-dma-pool"; reusable; size = <0x0 0x1000000>; };
                """) + "};\n";
        try (Machine m = Machine.boot(Platform.builder().deviceTree(Fdt.parse(Dtc.compile(src))).build())) {
            // the no-map region inside the /memreserve/ entry is still marked: /memreserve/ came later
            assertThat(region(m, "fw@7f000000").nomap()).isTrue();
            assertThat(m.memblock().memory()).anyMatch(r -> r.nomap() && r.base() == 0x7f000000L);
            // the dynamic pool is placed after /memreserve/: top-down, below it
            assertThat(area(m, "pool").base()).isEqualTo(0x7e000000L - 16 * MiB);
            assertThat(m.reservedMemory()).extracting(ReservedRegion::name).containsExactly("pool", "fw@7f000000");
        }
    }

    @Test
    void emptyMemoryNodesAreFilledFromTheOptions() {
        Fdt fdt = dt("memory@0 { device_type = \"memory\"; reg = <0x0 0x0 0x0 0x0>; };");
        assertThatThrownBy(() -> Machine.boot(Platform.builder().deviceTree(fdt).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memory: none (the device tree's memory nodes are missing, empty or zero-sized");
        try (Machine m = Machine.boot(Platform.builder().deviceTree(fdt).mem(512 * MiB).build())) {
            assertThat(m.memblock().physMemSize()).isEqualTo(512 * MiB);
            assertThat(m.arch()).isEqualTo(Arch.ARM64);
        }
    }

    @Test
    void partialPagesOfMemoryAreTrimmedAndTinyBanksIgnored() {
        String body = """
                memory@40000000 { device_type = "memory"; reg = <0x0 0x40000800 0x0 0x20000000>,
                    <0x0 0x70000000 0x0 0x800>; };
                """;
        try (Machine m = boot(body, "")) {
            assertThat(m.memblock().memory().getFirst().base()).isEqualTo(0x40001000L);
            assertThat(m.memblock().end()).isEqualTo(0x60000000L);
            assertThat(m.log().lines()).contains("OF: fdt: Ignoring memory block 0x70000000 - 0x70000800");
        }
    }

    @Test
    void ramAbove2To48IsTakenWithoutAWarningAsArm64TakesIt() {
        // arm64's MAX_MEMBLOCK_ADDR is U64_MAX: early_init_dt_add_memory_arch() warns for nothing here
        String body = """
                memory@1000000000000 { device_type = "memory"; reg = <0x10000 0x0 0x0 0x40000000>; };
                """;
        try (Machine m = boot(body, "")) {
            assertThat(m.memblock().memory()).extracting(Memblock.Region::base, Memblock.Region::size)
                    .containsExactly(tuple(1L << 48, 1L << 30));
            assertThat(m.log().lines()).noneMatch(l -> l.contains("Ignoring memory"));
            assertThat(m.errors()).isEmpty();
        }
    }

    @Test
    void ramAtOrAboveThePhysicalAddressSpaceIsRemovedSilently() {
        // arm64_memblock_init(): memblock_remove(1ULL << PHYS_MASK_SHIFT, ULLONG_MAX), PA_BITS=52
        String body = """
                memory@fffffc0000000 { device_type = "memory"; reg = <0xfffff 0xc0000000 0x0 0x80000000>,
                    <0x100000 0x0 0x0 0x40000000>; };
                """;
        try (Machine m = boot(body, "")) {
            assertThat(m.memblock().memory()).extracting(Memblock.Region::base, Memblock.Region::end)
                    .containsExactly(tuple((1L << 52) - (1L << 30), 1L << 52));
            assertThat(m.log().lines()).noneMatch(l -> l.contains("Ignoring memory"));
        }
    }

    @Test
    void dmaRangesLimitZoneDmaAndTheDefaultArea() {
        String body = """
                memory@0 { device_type = "memory"; reg = <0x0 0x0 0x0 0x80000000>; };
                scb { compatible = "simple-bus"; #address-cells = <2>; #size-cells = <1>; ranges;
                    dma-ranges = <0x0 0xc0000000 0x0 0x0 0x30000000>;
                    dma@7e007000 { compatible = "brcm,bcm2835-dma"; reg = <0x0 0x7e007000 0x1000>; };
                };
                """;
        try (Machine m = boot(body, "")) {
            assertThat(m.dmaLimit()).isEqualTo(0x30000000L);
            assertThat(m.zoneLayout().typeEnd(ZoneType.DMA)).isEqualTo(0x30000000L);
            Cma reserved = area(m, "reserved");
            assertThat(reserved.base() + reserved.size()).isLessThanOrEqualTo(0x30000000L);
            DeviceNode d = m.devices("brcm,bcm2835-dma").getFirst();
            assertThat(d.dmaRanges()).containsExactly(new DeviceNode.DmaRange(0xc0000000L, 0, 0x30000000L));
            assertThat(d.dmaRanges().getFirst().offset()).isEqualTo(-0xc0000000L);
            assertThat(d.busDmaLimit()).isEqualTo(0xc0000000L + 0x30000000L - 1);
            assertThat(m.log().lines()).contains("  DMA      [mem 0x0000000000000000-0x000000002fffffff]");
        }
    }

    @Test
    void deviceTreeBootsDefaultToArm64ButTheArchCanBeChosen() {
        Fdt fdt = dt(MEMORY);
        assertThat(Platform.builder().deviceTree(fdt).build().arch()).isEqualTo(Arch.ARM64);
        assertThat(Platform.builder().deviceTree(fdt).arch(Arch.X86_64).build().arch()).isEqualTo(Arch.X86_64);
        assertThat(Platform.builder().mem(MiB).build().arch()).isEqualTo(Arch.X86_64);
    }

    @Test
    void bootLogsTheMachineModelAndZones() {
        try (Machine m = boot(MEMORY, "")) {
            List<String> lines = m.log().lines();
            assertThat(lines).contains("Machine model: test board", "Zone ranges:", "Early memory node ranges");
            assertThat(m.deviceTree()).isPresent();
            assertThat(m.devices()).isEmpty();
            assertThat(Optional.of(lines.indexOf("Machine model: test board"))).get().isEqualTo(1);
        }
    }
}

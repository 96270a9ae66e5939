package io.jcma.cma.boot;

import io.jcma.cma.fdt.Dtc;
import io.jcma.cma.fdt.Fdt;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.cma.mm.Memblock;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

class Arm64BootmemTest {
    private static final long MiB = 1L << 20;

    static Memblock ram(long base, long size) {
        Memblock mb = Memblock.create();
        mb.add(base, size, 0);
        return mb;
    }

    static long bytes(List<Arm64Bootmem.Allocation> all, String what) {
        return all.stream().filter(a -> a.what().equals(what)).mapToLong(Arm64Bootmem.Allocation::size).sum();
    }

    @Test
    void theLinearMapTakesOnePtePagePer2MiBAndOneTablePerGiBAnd512GiB() {
        Memblock mb = ram(0, 960 * MiB);
        List<Arm64Bootmem.Allocation> all = Arm64Bootmem.allocate(mb, null, 0, KernelLog.create());
        assertThat(bytes(all, "linear map page tables")).isEqualTo((480 + 1 + 1) * 4096L);
        // the first allocation is the top of RAM, page by page
        assertThat(all.getFirst().end()).isEqualTo(960 * MiB);
        Memblock two = ram(1L << 30, 2L << 30);
        assertThat(bytes(Arm64Bootmem.allocate(two, null, 0, KernelLog.create()), "linear map page tables"))
                .isEqualTo((1024 + 2 + 1) * 4096L);
    }

    @Test
    void noMapMemoryIsNotMapped() {
        Memblock mb = ram(0, 64 * MiB);
        mb.markNomap(16 * MiB, 4 * MiB);
        List<Arm64Bootmem.Allocation> all = Arm64Bootmem.allocate(mb, null, 0, KernelLog.create());
        assertThat(bytes(all, "linear map page tables")).isEqualTo((30 + 1 + 1) * 4096L);
    }

    @Test
    void sparseInitTakesTheSectionTableAndTwoMiBOfMemmapPerPresentSection() {
        // 300 MiB: sections 0, 1 and 2 (the last one partly present)
        Memblock mb = ram(0, 300 * MiB);
        List<Arm64Bootmem.Allocation> all = Arm64Bootmem.allocate(mb, null, 0, KernelLog.create());
        assertThat(bytes(all, "mem_section")).isEqualTo(2 * MiB);
        assertThat(bytes(all, "mem_section root 0")).isEqualTo(4096);
        assertThat(bytes(all, "usemap node 0")).isEqualTo(3 * 56);
        Arm64Bootmem.Allocation memmap = all.stream().filter(a -> a.what().equals("memmap node 0")).findFirst()
                .orElseThrow();
        assertThat(memmap.size()).isEqualTo(3 * 2 * MiB);
        assertThat(memmap.base() % (2 * MiB)).isZero();
        assertThat(bytes(all, "NODE_DATA(0)")).isEqualTo(Arm64Bootmem.PGDAT_BYTES);
        // one PUD table and one PMD table for the vmemmap, after the memmap buffer
        assertThat(all.getLast().what()).isEqualTo("vmemmap page tables");
        assertThat(bytes(all, "vmemmap page tables")).isEqualTo(2 * 4096);
    }

    @Test
    void everyNodeGetsItsNodeDataAndMemmap() {
        Memblock mb = Memblock.create();
        mb.add(0, 512 * MiB, 0);
        mb.add(512 * MiB, 512 * MiB, 1);
        List<Arm64Bootmem.Allocation> all = Arm64Bootmem.allocate(mb, null, 0, KernelLog.create());
        Arm64Bootmem.Allocation n1 = all.stream().filter(a -> a.what().equals("memmap node 1")).findFirst().orElseThrow();
        Arm64Bootmem.Allocation n0 = all.stream().filter(a -> a.what().equals("memmap node 0")).findFirst().orElseThrow();
        assertThat(n0.end()).isLessThanOrEqualTo(512 * MiB);
        assertThat(n1.base()).isGreaterThanOrEqualTo(512 * MiB);
        assertThat(n0.size()).isEqualTo(8 * MiB);
        assertThat(all).filteredOn(a -> a.what().startsWith("NODE_DATA(")).hasSize(2);
    }

    @Test
    void tooLittleRamIsAPanicLineAndTheBootGoesOn() {
        Memblock mb = ram(0, 2 * MiB);
        KernelLog log = KernelLog.create();
        List<Arm64Bootmem.Allocation> all = Arm64Bootmem.allocate(mb, null, 0, log);
        assertThat(log.errors()).singleElement().asString().startsWith("Kernel panic - not syncing: mem_section: Failed to allocate 2097152 bytes");
        assertThat(all).extracting(Arm64Bootmem.Allocation::what).doesNotContain("mem_section");
    }

    @Test
    void theUnflattenedTreeIsSizedAsTheDryRunSizesIt() {
        assumeThat(Dtc.available()).as("dtc (device-tree-compiler) is not installed").isTrue();
        Fdt f = Fdt.parse(Dtc.compile("/dts-v1/;\n/ { a = <1>; n@1 { }; };\n"));
        // root: device_node 208 + "" NUL = 209 -> 216; property a: 320; its name fixup 104 + 1 = 425
        // -> 432; n@1: 208 + 4 = 644 -> 648; name fixup "n" 104 + 2 = 754; ALIGN(754, 4) = 756
        assertThat(Arm64Bootmem.unflattenedSize(f)).isEqualTo(756);
    }

    @Test
    void onlyAliasesToANodeWithAnIdGetAnAliasProp() {
        assumeThat(Dtc.available()).as("dtc (device-tree-compiler) is not installed").isTrue();
        Fdt f = Fdt.parse(Dtc.compile("""
                /dts-v1/;
                / { aliases { serial0 = "/uart@1"; ethernet = "/uart@1"; i2c3 = "/nowhere"; mmc12 = "/uart@1"; };
                    uart@1 { }; };
                """));
        // serial0: 40 + "serial" 6 + NUL; mmc12: 40 + "mmc" 3 + NUL; ethernet has no id, i2c3 no node
        assertThat(Arm64Bootmem.aliasProps(f)).containsExactly(47L, 44L);
    }
}

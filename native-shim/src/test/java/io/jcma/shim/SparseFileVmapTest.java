package io.jcma.shim;

import io.jcma.cma.mm.MemoryBacking;
import io.jcma.cma.mm.MemoryBank;
import io.jcma.cma.mm.PhysicalMemory;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sparse-file backing's vmap through the shim's FileVmap: scattered pages of two banks at
 * consecutive addresses, sharing the pages with the banks' own mappings.
 */
class SparseFileVmapTest {
    @Test
    void scatteredPagesOfTwoBanksAppearOneAfterTheOther() {
        try (PhysicalMemory mem = PhysicalMemory.of(List.of(new MemoryBank(0, 1024, 0), new MemoryBank(4096, 1024, 0)),
                MemoryBacking.sparseFile())) {
            assertThat(mem.backing().canVmap()).as("the shim's VmapProvider is on the path").isTrue();
            List<PhysicalMemory.Run> runs = List.of(new PhysicalMemory.Run(4100, 2), new PhysicalMemory.Run(10, 1),
                    new PhysicalMemory.Run(700, 3));
            mem.segment(4101, 1).set(ValueLayout.JAVA_LONG, 8, 0x1111L);
            MemorySegment v;
            try (Arena a = Arena.ofShared()) {
                v = mem.vmap(runs, a).orElseThrow();
                assertThat(v.byteSize()).isEqualTo(6 * 4096);
                // page 1 of the view is pfn 4101: what the bank holds shows through
                assertThat(v.get(ValueLayout.JAVA_LONG, 4096 + 8)).isEqualTo(0x1111L);
                // page 2 is pfn 10, pages 3..5 are pfns 700..702: writes land in the banks
                v.set(ValueLayout.JAVA_LONG, 2 * 4096, 0x2222L);
                v.set(ValueLayout.JAVA_LONG, 5 * 4096 + 4088, 0x3333L);
                assertThat(mem.segment(10, 1).get(ValueLayout.JAVA_LONG, 0)).isEqualTo(0x2222L);
                assertThat(mem.segment(702, 1).get(ValueLayout.JAVA_LONG, 4088)).isEqualTo(0x3333L);
            }
            MemorySegment closed = v;
            assertThatThrownBy(() -> closed.get(ValueLayout.JAVA_LONG, 0)).isInstanceOf(IllegalStateException.class);
            // the banks' own mappings are untouched by the view's unmap
            assertThat(mem.segment(10, 1).get(ValueLayout.JAVA_LONG, 0)).isEqualTo(0x2222L);
        }
    }

    @Test
    void aRunOutsideRamIsRefusedBeforeAnythingIsMapped() {
        try (PhysicalMemory mem = PhysicalMemory.of(List.of(new MemoryBank(0, 1024, 0)), MemoryBacking.sparseFile());
             Arena a = Arena.ofConfined()) {
            assertThatThrownBy(() -> mem.vmap(List.of(new PhysicalMemory.Run(1000, 30)), a))
                    .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("expected: RAM of one bank");
        }
    }
}

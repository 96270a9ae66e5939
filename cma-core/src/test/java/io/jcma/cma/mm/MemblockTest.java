package io.jcma.cma.mm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemblockTest {
    private static final long MiB = 1L << 20;

    @Test
    void reservationsMergeAndFreeRangesAreMemoryMinusReserved() {
        Memblock mb = Memblock.create();
        mb.add(0, 64 * MiB, 0);
        mb.add(128 * MiB, 64 * MiB, 1);
        mb.reserve(4 * MiB, 4 * MiB);
        mb.reserve(8 * MiB, 4 * MiB);
        mb.reserve(6 * MiB, 1 * MiB);
        assertThat(mb.reserved()).containsExactly(new Memblock.Region(4 * MiB, 8 * MiB, -1, 0));
        assertThat(mb.freeRanges(Mm.NUMA_NO_NODE)).extracting(Memblock.Region::base, Memblock.Region::size)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 4 * MiB),
                        org.assertj.core.groups.Tuple.tuple(12 * MiB, 52 * MiB),
                        org.assertj.core.groups.Tuple.tuple(128 * MiB, 64 * MiB));
        assertThat(mb.freeRanges(1)).hasSize(1);
        assertThat(mb.end()).isEqualTo(192 * MiB);
        assertThat(mb.physMemSize()).isEqualTo(128 * MiB);
        mb.physFree(6 * MiB, 2 * MiB);
        assertThat(mb.reservedSize()).isEqualTo(6 * MiB);
        assertThat(mb.isRegionReserved(6 * MiB, 2 * MiB)).isFalse();
        assertThat(mb.isRegionReserved(5 * MiB, 2 * MiB)).isTrue();
        assertThat(mb.isRegionWhollyReserved(5 * MiB, 2 * MiB)).isFalse();
    }

    @Test
    void topDownTakesTheHighestAlignedFitAndBottomUpTheLowest() {
        Memblock mb = Memblock.create();
        mb.add(0, 64 * MiB, 0);
        mb.reserve(60 * MiB, 4 * MiB);
        assertThat(mb.findInRangeNode(8 * MiB, 2 * MiB, 0, 0, Mm.NUMA_NO_NODE)).isEqualTo(52 * MiB);
        mb.setBottomUp(true);
        // never the first page: the lowest 2 MiB-aligned fit starting at or above PAGE_SIZE
        assertThat(mb.findInRangeNode(8 * MiB, 2 * MiB, 0, 0, Mm.NUMA_NO_NODE)).isEqualTo(2 * MiB);
        assertThat(mb.findInRangeNode(8 * MiB, 4096, 0, 0, Mm.NUMA_NO_NODE)).isEqualTo(4096);
    }

    @Test
    void allocRangeReservesAndFailsWithZero() {
        Memblock mb = Memblock.create();
        mb.add(0, 16 * MiB, 0);
        long a = mb.allocRangeNid(8 * MiB, 2 * MiB, 0, 0, Mm.NUMA_NO_NODE, true);
        assertThat(a).isEqualTo(8 * MiB);
        assertThat(mb.isRegionWhollyReserved(a, 8 * MiB)).isTrue();
        assertThat(mb.allocRangeNid(8 * MiB, 2 * MiB, 0, 0, Mm.NUMA_NO_NODE, true)).isZero();
        assertThatThrownBy(() -> mb.allocRangeNid(4096, 3, 0, 0, -1, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exactNodeDoesNotFallBackButAnyNodeDoes() {
        Memblock mb = Memblock.create();
        mb.add(0, 16 * MiB, 0);
        mb.add(16 * MiB, 2 * MiB, 1);
        assertThat(mb.allocRangeNid(4 * MiB, 2 * MiB, 0, 0, 1, true)).isZero();
        assertThat(mb.allocRangeNid(4 * MiB, 2 * MiB, 0, 0, 1, false)).isEqualTo(12 * MiB);
    }

    @Test
    void nomapMemoryIsNotFree() {
        Memblock mb = Memblock.create();
        mb.add(0, 16 * MiB, 0);
        mb.markNomap(8 * MiB, 8 * MiB);
        assertThat(mb.findInRangeNode(4 * MiB, 2 * MiB, 0, 0, Mm.NUMA_NO_NODE)).isEqualTo(4 * MiB);
        assertThat(mb.memory()).hasSize(2);
        assertThat(mb.isRegionMemory(8 * MiB, 8 * MiB)).isTrue();
    }
}

package io.jcma.cma.mm;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A second mapping of RAM pages: same bytes both ways, its own scope, range checked. */
class PhysicalMemoryAliasTest {

    @Test
    void anAliasSharesTheBytesAndClosesAlone() {
        try (PhysicalMemory mem = PhysicalMemory.of(List.of(new MemoryBank(16, 64, 0)), MemoryBacking.sparseFile())) {
            MemorySegment ram = mem.segment(20, 2);
            MemorySegment alias;
            try (Arena a = Arena.ofShared()) {
                alias = mem.alias(20, 2, a).orElseThrow();
                assertThat(alias.address()).isNotEqualTo(ram.address());
                alias.set(ValueLayout.JAVA_INT_UNALIGNED, 4100, 42);
                assertThat(ram.get(ValueLayout.JAVA_INT_UNALIGNED, 4100)).isEqualTo(42);
                ram.set(ValueLayout.JAVA_INT_UNALIGNED, 8, 7);
                assertThat(alias.get(ValueLayout.JAVA_INT_UNALIGNED, 8)).isEqualTo(7);
            }
            MemorySegment closed = alias;
            assertThatThrownBy(() -> closed.get(ValueLayout.JAVA_INT_UNALIGNED, 8)).isInstanceOf(IllegalStateException.class);
            assertThat(ram.get(ValueLayout.JAVA_INT_UNALIGNED, 4100)).isEqualTo(42);
        }
    }

    @Test
    void anAliasOutsideOneBankIsRefused() {
        try (PhysicalMemory mem = PhysicalMemory.of(List.of(new MemoryBank(16, 64, 0)), MemoryBacking.sparseFile());
             Arena a = Arena.ofConfined()) {
            assertThatThrownBy(() -> mem.alias(70, 20, a)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> mem.alias(0, 1, a)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }
}

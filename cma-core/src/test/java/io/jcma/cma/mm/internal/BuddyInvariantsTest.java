package io.jcma.cma.mm.internal;

import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import io.jcma.cma.mm.Gfp;
import io.jcma.cma.mm.PageAllocator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checker the buddy tests lean on must see a broken allocator as broken. */
class BuddyInvariantsTest {
    private static Machine boot() {
        return Machine.boot(Platform.builder().mem(64L << 20).cmdline("cma=8M").build());
    }

    @Test
    void aFreshMachineHoldsEveryInvariant() {
        try (Machine m = boot()) {
            assertThat(BuddyInvariants.check(m.pageAllocator())).isNull();
        }
    }

    @Test
    void aPageMarkedAllocatedInsideAFreeBlockIsReported() {
        try (Machine m = boot()) {
            FreeLists fl = ((BuddyAllocator) m.pageAllocator()).freeLists();
            long pfn = m.pageAllocator().allocPages(1, Gfp.KERNEL);
            m.pageAllocator().freePages(pfn, 1);
            long head = fl.base;
            while (!fl.isFreeHead(head) || fl.orderOf(head) == 0) {
                head++;
            }
            fl.setFlags(head + 1, PageFlags.ST_ALLOC, false, 0);
            assertThat(BuddyInvariants.check(m.pageAllocator())).contains("inside free block " + head);
        }
    }

    @Test
    void aFreeCountThatDisagreesWithTheListsIsReported() {
        try (Machine m = boot()) {
            FreeArea z = ((BuddyAllocator) m.pageAllocator()).freeLists().zones[0];
            z.free++;
            assertThat(BuddyInvariants.check(m.pageAllocator())).contains("NR_FREE_PAGES=" + z.free);
        }
    }

    @Test
    void onlyABuddyAllocatorCanBeChecked() {
        try (Machine m = boot()) {
            PageAllocator simple = PageAllocator.simple(m.memory(), m.zones(), m.pageblocks());
            assertThatThrownBy(() -> BuddyInvariants.check(simple)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("(expected: a BuddyAllocator)");
        }
    }
}

package io.jcma.cma.boot;

import io.jcma.cma.Cma;
import io.jcma.cma.mm.MigratingPageAllocator;
import io.jcma.cma.mm.PageAllocator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The page allocator is a choice of the platform, not a global setting. */
class PageAllocatorChoiceTest {
    @Test
    void theBuddyAllocatorIsTheDefaultAndMigrates() {
        Platform p = Platform.builder().mem(64L << 20).cmdline("cma=8M").build();
        assertThat(p.pageAllocator()).isSameAs(Platform.DEFAULT_PAGE_ALLOCATOR);
        try (Machine m = Machine.boot(p)) {
            assertThat(m.migratingPageAllocator()).containsSame((MigratingPageAllocator) m.pageAllocator());
        }
    }

    @Test
    void thePlatformCanChooseTheSimpleAllocatorForOneMachineOnly() {
        Platform simple = Platform.builder().mem(64L << 20).cmdline("cma=8M").pageAllocator(PageAllocator::simple).build();
        try (Machine m = Machine.boot(simple); Machine other = Machine.boot(simple.toBuilder().pageAllocator(null).build())) {
            assertThat(m.pageAllocator()).isNotInstanceOf(MigratingPageAllocator.class);
            assertThat(m.migratingPageAllocator()).isEmpty();
            Cma c = m.defaultArea().orElseThrow();
            assertThat(c.alloc(16, 0, false)).isPresent();
            assertThat(m.pageAllocator().freeCmaPages()).isEqualTo(2048 - 16);
            assertThat(other.migratingPageAllocator()).isPresent();
        }
    }

    @Test
    void toBuilderKeepsTheChoice() {
        PageAllocator.Factory f = PageAllocator::simple;
        Platform p = Platform.builder().mem(64L << 20).pageAllocator(f).build();
        assertThat(p.toBuilder().build().pageAllocator()).isSameAs(f);
    }
}

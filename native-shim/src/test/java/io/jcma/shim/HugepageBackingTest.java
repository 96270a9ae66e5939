package io.jcma.shim;

import io.jcma.cma.Cma;
import io.jcma.cma.CmaAllocation;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import io.jcma.cma.mm.MemoryBacking;
import io.jcma.cma.testing.MemoryBackingContract;
import io.jcma.cma.mm.MemoryBank;
import io.jcma.cma.mm.Mm;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backing contract on real hugepages, and CMA running on them: every allocation's pfns are
 * the real pfns of its CPU memory, checked page by page through pagemap.
 */
class HugepageBackingTest extends MemoryBackingContract {
    private static final int PAGES = 16;

    @Override
    protected void assumeAvailable() {
        Host.assumePhysicalAddresses();
        Host.assumeHugepages(HugepageSize.SIZE_2M, PAGES);
    }

    @Override
    protected MemoryBacking openBacking() {
        return HugepageBacking.open(HugepageSize.SIZE_2M, PAGES);
    }

    @Override
    protected String spec() {
        return "hugepages:2M:" + PAGES;
    }

    @Test
    void layoutIsTheRealPhysicalRuns() {
        HugepageBacking b = (HugepageBacking) backing;
        List<MemoryBank> banks = b.ramLayout().orElseThrow();
        assertThat(banks).hasSameSizeAs(b.runs());
        assertThat(banks.stream().mapToLong(MemoryBank::pages).sum()).isEqualTo(PAGES * 512L);
        try (Pagemap pm = Pagemap.openSelf()) {
            long[] pfns = pm.translate(b.region().segment());
            int i = 0;
            for (MemoryBank bank : banks) {
                for (long k = 0; k < bank.pages(); k++) {
                    assertThat(pfns[i++]).isEqualTo(bank.startPfn() + k);
                }
            }
        }
        assertThat(backing.name()).isEqualTo("hugepages:2M");
    }

    @Test
    void mapRefusesAStartThatIsNotARun() {
        MemoryBank first = backing.ramLayout().orElseThrow().getFirst();
        assertThatThrownBy(() -> backing.map(first.start() + Mm.PAGE_SIZE, Mm.PAGE_SIZE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("start of a hugepage run");
    }

    @Test
    void mapRefusesARunTwice() {
        MemoryBank first = backing.ramLayout().orElseThrow().getFirst();
        backing.map(first.start(), Mm.pfnPhys(first.pages()), 0);
        assertThatThrownBy(() -> backing.map(first.start(), Mm.pfnPhys(first.pages()), 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("run already mapped");
    }

    @Test
    void cmaAllocationsAreRealPhysicalMemoryPageByPage() {
        Platform p = Platform.builder().mem(64 * Mm.SZ_1M).cmdline("cma=8M").backing(spec()).build();
        // cma=8M needs 4 physically contiguous 2 MiB pages.
        Optional<String> noRun = longestRunBelow(4);
        org.junit.jupiter.api.Assumptions.assumeTrue(noRun.isEmpty(), () -> noRun.orElseThrow());
        try (Machine m = Machine.boot(p); Pagemap pm = Pagemap.openSelf()) {
            assertThat(m.errors()).isEmpty();
            assertThat(m.memory().backing().name()).isEqualTo("hugepages:2M");
            Cma area = m.defaultArea().orElseThrow();
            assertThat(area.active()).isTrue();
            List<CmaAllocation> live = new ArrayList<>();
            for (long count : new long[] {1, 7, 64, 512, 300}) {
                live.add(area.alloc(count, 0, false).orElseThrow());
            }
            for (CmaAllocation a : live) {
                long[] pfns = pm.translate(a.segment());
                assertThat(pfns).hasSize((int) a.count());
                for (int i = 0; i < pfns.length; i++) {
                    assertThat(pfns[i]).as("page %d of %s", i, a).isEqualTo(a.pfn() + i);
                }
                a.segment().set(ValueLayout.JAVA_LONG, 0, a.pfn());
                assertThat(m.memory().hostPhysicalAddress(a.pfn())).isEqualTo(a.phys());
            }
            for (CmaAllocation a : live) {
                assertThat(m.memory().segment(a.pfn(), 1).get(ValueLayout.JAVA_LONG, 0)).isEqualTo(a.pfn());
                assertThat(area.release(a)).isTrue();
            }
        }
    }

    /** Why an 8 MiB area may not fit: the host gave no run of that many contiguous pages. */
    private static Optional<String> longestRunBelow(int pages) {
        HugepageBacking b = HugepageBacking.open(HugepageSize.SIZE_2M, PAGES);
        try {
            int longest = b.runs().stream().mapToInt(PhysRun::pages).max().orElse(0);
            return longest >= pages ? Optional.empty()
                    : Optional.of("the host gave no " + pages + " physically contiguous hugepages (longest run: "
                    + longest + ")");
        } finally {
            b.close();
        }
    }
}

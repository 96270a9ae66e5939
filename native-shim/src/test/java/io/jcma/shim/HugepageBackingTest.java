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
        // An 8 MiB area needs 4 physically adjacent 2 MiB pages, which the host need not give:
        // take the largest of 8, 4 and 2 MiB that fits (2 MiB, one hugepage, always does).
        Machine m = null;
        for (String cma : new String[] {"cma=8M", "cma=4M", "cma=2M"}) {
            Machine tried = Machine.boot(Platform.builder().mem(64 * Mm.SZ_1M).cmdline(cma).backing(spec()).build());
            if (tried.errors().isEmpty()) {
                m = tried;
                break;
            }
            tried.close();
        }
        assertThat(m).as("even a 2 MiB area, one hugepage, did not fit").isNotNull();
        try (Machine machine = m; Pagemap pm = Pagemap.openSelf()) {
            assertThat(machine.memory().backing().name()).isEqualTo("hugepages:2M");
            Cma area = machine.defaultArea().orElseThrow();
            assertThat(area.active()).isTrue();
            List<CmaAllocation> live = new ArrayList<>();
            long[] counts = area.count() >= 1024 ? new long[] {1, 7, 64, 512, 300} : new long[] {1, 7, 64, 300};
            for (long count : counts) {
                live.add(area.alloc(count, 0, false).orElseThrow());
            }
            for (CmaAllocation a : live) {
                long[] pfns = pm.translate(a.segment());
                assertThat(pfns).hasSize((int) a.count());
                for (int i = 0; i < pfns.length; i++) {
                    assertThat(pfns[i]).as("page %d of %s", i, a).isEqualTo(a.pfn() + i);
                }
                a.segment().set(ValueLayout.JAVA_LONG, 0, a.pfn());
                assertThat(machine.memory().hostPhysicalAddress(a.pfn())).isEqualTo(a.phys());
            }
            for (CmaAllocation a : live) {
                assertThat(machine.memory().segment(a.pfn(), 1).get(ValueLayout.JAVA_LONG, 0)).isEqualTo(a.pfn());
                assertThat(area.release(a)).isTrue();
            }
        }
    }

}

package io.jcma.cma.mm;

import io.jcma.cma.mm.internal.BuddyInvariants;
import io.jcma.cma.Cma;
import io.jcma.cma.CmaAllocation;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Random sequences of alloc_pages, free_pages, movable allocations and frees, pin, long-term
 * pin, unpin, cma_alloc and cma_release on a 64 MiB machine with a 40 MiB CMA area (more than half: movable pages land in CMA at once). After every
 * step: the allocator's own invariants (lists, counters, handles), every page in exactly the
 * state the test's bookkeeping says, free counts equal, movable contents unchanged.
 */
class PageAllocatorProperties {

    record Alloc(long pfn, int order) {
    }

    static final class Held {
        final MovableRegion region;
        long checksum;
        int pins;
        boolean longterm;

        Held(MovableRegion region) {
            this.region = region;
        }
    }

    private static final int[] GFPS = {Gfp.KERNEL, Gfp.MOVABLE, Gfp.RECLAIMABLE, Gfp.DMA32 | Gfp.MOVABLE, Gfp.DMA};

    @Property(tries = 100)
    @StatisticsReport(onFailureOnly = true)
    void invariantsHoldAfterEveryStep(@ForAll @Size(min = 10, max = 80) List<@IntRange(min = 0, max = 1 << 24) Integer> ops) {
        try (Machine m = Machine.boot(Platform.builder().mem(64L << 20).cmdline("cma=40M").build())) {
            MigratingPageAllocator pa = m.migratingPageAllocator().orElseThrow();
            Cma area = m.cma().byName("reserved").orElseThrow();
            List<Alloc> allocs = new ArrayList<>();
            List<Held> regions = new ArrayList<>();
            List<CmaAllocation> cma = new ArrayList<>();
            long stamp = 1;
            for (int op : ops) {
                int kind = op % 9;
                int arg = op / 9;
                switch (kind) {
                    case 0 -> {
                        int order = arg % 5;
                        long pfn = pa.allocPages(order, GFPS[(arg / 5) % GFPS.length] | Gfp.NOWARN);
                        if (pfn >= 0) {
                            allocs.add(new Alloc(pfn, order));
                        }
                    }
                    case 1 -> {
                        if (!allocs.isEmpty()) {
                            Alloc a = allocs.remove(arg % allocs.size());
                            pa.freePages(a.pfn(), a.order());
                        }
                    }
                    case 2 -> {
                        Optional<MovableRegion> r = pa.allocMovable(1 + arg % 64);
                        if (r.isPresent()) {
                            Held h = new Held(r.get());
                            for (long p = 0; p < h.region.pages(); p++) {
                                h.region.putLong(Mm.pfnPhys(p) + (arg % 512) * 8L, stamp++ * 0x9e3779b97f4a7c15L);
                            }
                            h.checksum = h.region.checksum();
                            regions.add(h);
                        }
                    }
                    case 3 -> {
                        if (!regions.isEmpty()) {
                            Held h = regions.get(arg % regions.size());
                            if (h.pins > 0) {
                                assertThatThrownBy(h.region::free).isInstanceOf(IllegalStateException.class);
                            } else {
                                h.region.free();
                                regions.remove(h);
                            }
                        }
                    }
                    case 4 -> {
                        if (!regions.isEmpty()) {
                            Held h = regions.get(arg % regions.size());
                            h.region.pin();
                            h.pins++;
                        }
                    }
                    case 5 -> {
                        if (!regions.isEmpty()) {
                            Held h = regions.get(arg % regions.size());
                            if (h.pins > 0) {
                                h.region.unpin();
                                h.pins--;
                                h.longterm &= h.pins > 0;
                            } else {
                                assertThatThrownBy(h.region::unpin).isInstanceOf(IllegalStateException.class);
                            }
                        }
                    }
                    case 6 -> {
                        if (!regions.isEmpty()) {
                            Held h = regions.get(arg % regions.size());
                            try {
                                h.region.pinLongterm();
                                h.pins++;
                                h.longterm = true;
                            } catch (ErrnoException e) {
                                assertThat(e.errno()).isEqualTo(Errno.ENOMEM);
                            }
                        }
                    }
                    case 7 -> {
                        // Large requests reach the top of the area, where the lent pages sit.
                        long half = area.count() / 2;
                        long count = arg % 3 == 0 ? half + 1 + (arg / 3) % half : 1 + arg % 1500;
                        area.alloc(count, (arg / 7) % 5, true).ifPresent(cma::add);
                    }
                    default -> {
                        if (!cma.isEmpty()) {
                            assertThat(area.release(cma.remove(arg % cma.size()))).isTrue();
                        }
                    }
                }
                check(m, pa, area, allocs, regions, cma);
            }
            Statistics.label("cma_alloc migrated pages").collect(area.metrics().pagesMigrated() > 0);
            Statistics.label("cma_alloc migrated pages")
                    .coverage(c -> c.check(true).percentage(p -> p >= 4));
        }
    }

    private static void check(Machine m, MigratingPageAllocator pa, Cma area, List<Alloc> allocs, List<Held> regions,
                              List<CmaAllocation> cma) {
        assertThat(BuddyInvariants.check(pa)).isNull();
        long base = m.memory().startPfn();
        int span = (int) (m.memory().endPfn() - base);
        PageState[] expected = new PageState[span];
        java.util.Arrays.fill(expected, PageState.FREE);
        for (Alloc a : allocs) {
            for (long p = a.pfn(); p < a.pfn() + (1L << a.order()); p++) {
                assertThat(expected[(int) (p - base)]).as("pfn %d handed out twice", p).isEqualTo(PageState.FREE);
                expected[(int) (p - base)] = PageState.ALLOCATED;
            }
        }
        for (CmaAllocation c : cma) {
            for (long p = c.pfn(); p < c.endPfn(); p++) {
                assertThat(expected[(int) (p - base)]).as("pfn %d handed out twice", p).isEqualTo(PageState.FREE);
                expected[(int) (p - base)] = PageState.CONTIG;
            }
        }
        for (Held h : regions) {
            assertThat(h.region.checksum()).as("contents of %s", h.region).isEqualTo(h.checksum);
            for (long i = 0; i < h.region.pages(); i++) {
                long p = h.region.pfn(i);
                assertThat(expected[(int) (p - base)]).as("pfn %d handed out twice", p).isEqualTo(PageState.FREE);
                expected[(int) (p - base)] = h.pins > 0 ? PageState.PINNED : PageState.MOVABLE;
                if (h.longterm) {
                    assertThat(m.pageblocks().get(p)).as("long-term pinned pfn %d", p).isNotEqualTo(Migratetype.CMA);
                }
            }
        }
        PageState[] actual = pa.pageStates(base, span);
        long free = 0;
        long freeCma = 0;
        for (int i = 0; i < span; i++) {
            assertThat(actual[i]).as("pfn %d", base + i).isEqualTo(expected[i]);
            if (actual[i] == PageState.FREE) {
                free++;
                if (m.pageblocks().get(base + i) == Migratetype.CMA) {
                    freeCma++;
                }
            }
            assertThat(m.pageblocks().get(base + i)).isNotEqualTo(Migratetype.ISOLATE);
        }
        assertThat(pa.freePages()).isEqualTo(free);
        assertThat(pa.freeCmaPages()).isEqualTo(freeCma);
        assertThat(area.used()).isEqualTo(cma.stream().mapToLong(CmaAllocation::count).sum());
    }
}

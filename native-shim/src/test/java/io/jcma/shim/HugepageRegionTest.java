package io.jcma.shim;

import io.jcma.cma.mm.Mm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Real 2 MiB hugetlb pages: map, translate every base page, check contiguity, find runs, remap. */
class HugepageRegionTest {
    private static final HugepageSize SIZE = HugepageSize.SIZE_2M;
    private static final int PAGES = 8;

    @BeforeEach
    void host() {
        Host.assumePhysicalAddresses();
        Host.assumeHugepages(SIZE, PAGES);
    }

    @Test
    void mapsLockedPopulatedHugetlbPages() {
        try (HugepageRegion r = HugepageRegion.map(SIZE, PAGES)) {
            assertThat(r.kind()).isEqualTo(HugepageRegion.Kind.HUGETLB);
            assertThat(r.fallbackReason()).isEmpty();
            assertThat(r.pages()).isEqualTo(PAGES);
            assertThat(r.bytes()).isEqualTo(PAGES * SIZE.bytes());
            assertThat(r.segment().byteSize()).isEqualTo(r.bytes());
            assertThat(r.address() % SIZE.bytes()).as("hugetlb mappings are size aligned").isZero();
            assertThat(r.locked()).as("mlock: %s", r.lockError()).isTrue();
            for (int i = 0; i < PAGES; i++) {
                MemorySegment p = r.page(i);
                assertThat(p.get(ValueLayout.JAVA_LONG, 0)).isZero();
                p.set(ValueLayout.JAVA_LONG, 0, i);
            }
            for (int i = 0; i < PAGES; i++) {
                assertThat(r.segment().get(ValueLayout.JAVA_LONG, i * SIZE.bytes())).isEqualTo(i);
            }
        }
    }

    @Test
    void everyBasePageIsContiguousInsideItsHugepageByPagemap() {
        try (HugepageRegion r = HugepageRegion.map(SIZE, PAGES); Pagemap pm = Pagemap.openSelf()) {
            long[] pfns = pm.translate(r.segment());
            assertThat(pfns).hasSize((int) (PAGES * SIZE.basePages()));
            assertThat(pfns).doesNotContain(0L);
            assertThat(Contiguity.checkWithin(pfns, SIZE)).isEmpty();
            assertThat(r.headPfns(pm)).containsExactly(Contiguity.heads(pfns, SIZE));
        }
    }

    @Test
    void kpageflagsAgreesEveryHugepageIsOneCompoundHugetlbPage() {
        Host.assumeRoot();
        try (HugepageRegion r = HugepageRegion.map(SIZE, PAGES); Pagemap pm = Pagemap.openSelf();
             KpageFlags kf = KpageFlags.open()) {
            for (long head : r.headPfns(pm)) {
                assertThat(kf.checkHugepage(head, SIZE.basePages(), true)).as("head pfn 0x%x", head).isEmpty();
                long[] f = kf.read(head, 1);
                assertThat(KpageFlags.has(f[0], KpageFlags.KPF_THP)).isFalse();
            }
        }
    }

    @Test
    void kpageflagsCatchesAPfnThatIsNotAHugepageHead() {
        Host.assumeRoot();
        try (HugepageRegion r = HugepageRegion.map(SIZE, 1); Pagemap pm = Pagemap.openSelf();
             KpageFlags kf = KpageFlags.open()) {
            long head = r.headPfns(pm)[0];
            // Starting one page in, the "head" is a tail and the last page belongs to another page.
            List<KpageFlags.Mismatch> m = kf.checkHugepage(head + 1, SIZE.basePages(), true);
            assertThat(m).isNotEmpty();
            assertThat(m.getFirst().pfn()).isEqualTo(head + 1);
        }
    }

    @Test
    void runsCoverEveryHugepageOnceAndAreContiguous() {
        try (HugepageRegion r = HugepageRegion.map(SIZE, PAGES); Pagemap pm = Pagemap.openSelf()) {
            long[] heads = r.headPfns(pm);
            List<PhysRun> runs = Contiguity.runs(heads, SIZE);
            assertThat(runs.stream().mapToInt(PhysRun::pages).sum()).isEqualTo(PAGES);
            for (PhysRun run : runs) {
                for (int k = 0; k < run.pages(); k++) {
                    assertThat(heads[run.firstPage() + k]).isEqualTo(run.startPfn() + k * SIZE.basePages());
                }
            }
        }
    }

    @Test
    void remapSortsHugepagesByPfnAndMakesEachRunVirtuallyContiguous() {
        HugepageRegion src = HugepageRegion.map(SIZE, PAGES);
        try (Pagemap pm = Pagemap.openSelf()) {
            long[] before = src.headPfns(pm);
            for (int i = 0; i < PAGES; i++) {
                src.page(i).set(ValueLayout.JAVA_LONG, 8, before[i]);
            }
            try (HugepageRegion r = src.remapByPfn(pm)) {
                assertThat(src.isOpen()).isFalse();
                assertThat(r.address() % SIZE.bytes()).isZero();
                assertThat(r.locked()).isTrue();
                long[] after = r.headPfns(pm);
                assertThat(after).containsExactlyInAnyOrder(before);
                assertThat(after).isSorted();
                for (int i = 0; i < PAGES; i++) {
                    assertThat(r.page(i).get(ValueLayout.JAVA_LONG, 8)).as("contents moved with page %d", i)
                            .isEqualTo(after[i]);
                }
                long[] pfns = pm.translate(r.segment());
                for (PhysRun run : Contiguity.runs(after, SIZE)) {
                    long first = run.firstPage() * SIZE.basePages();
                    for (long i = 0; i < run.basePages(); i++) {
                        assertThat(pfns[(int) (first + i)]).isEqualTo(run.startPfn() + i);
                    }
                }
                assertThat(Contiguity.runs(after, SIZE).size()).isLessThanOrEqualTo(Contiguity.runs(before, SIZE).size());
            }
        }
    }

    @Test
    void physicalAddressKeepsTheOffsetInsideThePage() {
        try (HugepageRegion r = HugepageRegion.map(SIZE, 1); Pagemap pm = Pagemap.openSelf()) {
            long head = r.headPfns(pm)[0];
            long off = 5 * Mm.PAGE_SIZE + 123;
            assertThat(pm.physicalAddress(r.segment(), off)).isEqualTo(Mm.pfnPhys(head) + off);
        }
    }

    @Test
    void concurrentTranslationsAgree() throws Exception {
        try (HugepageRegion r = HugepageRegion.map(SIZE, PAGES); Pagemap pm = Pagemap.openSelf()) {
            long[] expected = pm.translate(r.segment());
            int threads = 4;
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
            java.util.List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
                for (int t = 0; t < threads; t++) {
                    int seed = t;
                    results.add(pool.submit(() -> {
                        start.await();
                        int agreed = 0;
                        for (int i = 0; i < 40; i++) {
                            int page = (seed + i) % PAGES;
                            long[] got = pm.translate(r.page(page));
                            if (java.util.Arrays.equals(got, java.util.Arrays.copyOfRange(expected,
                                    (int) (page * SIZE.basePages()), (int) ((page + 1) * SIZE.basePages())))) {
                                agreed++;
                            }
                        }
                        return agreed;
                    }));
                }
                for (var f : results) {
                    assertThat(f.get()).isEqualTo(40);
                }
            }
            assertThat(pm.translate(r.segment())).containsExactly(expected);
        }
    }

    @Test
    void closedPagemapIsAnIllegalState() {
        Pagemap pm = Pagemap.openSelf();
        pm.close();
        try (HugepageRegion r = HugepageRegion.map(SIZE, 1)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> pm.translate(r.segment()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already closed");
        }
    }

    @Test
    void sysconfReportsTheBasePageSize() {
        assertThat(Host.pageSize()).isEqualTo(Mm.PAGE_SIZE);
    }
}

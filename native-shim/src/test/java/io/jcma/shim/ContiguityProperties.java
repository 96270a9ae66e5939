package io.jcma.shim;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Run finding and contiguity checks against a small reference model, on random pfn layouts. */
class ContiguityProperties {
    private static final HugepageSize SIZE = new HugepageSize(8 * 4096);

    /** Head pfns: random picks from a small set of aligned frames, so neighbours are common. */
    @Provide
    Arbitrary<long[]> heads() {
        return Arbitraries.longs().between(0, 24).map(f -> f * SIZE.basePages())
                .list().ofMinSize(1).ofMaxSize(20).uniqueElements()
                .map(l -> l.stream().mapToLong(Long::longValue).toArray());
    }

    /** The model: a page joins the previous run exactly when it is physically the next one. */
    private static List<long[]> modelRuns(long[] heads) {
        List<long[]> runs = new ArrayList<>();
        for (int i = 0; i < heads.length; i++) {
            long[] last = runs.isEmpty() ? null : runs.getLast();
            if (last != null && last[0] + last[1] == i && heads[i - 1] + SIZE.basePages() == heads[i]) {
                last[1]++;
            } else {
                runs.add(new long[] {i, 1, heads[i]});
            }
        }
        return runs;
    }

    @Property
    void runsMatchTheModel(@ForAll("heads") long[] heads) {
        List<PhysRun> runs = Contiguity.runs(heads, SIZE);
        List<long[]> model = modelRuns(heads);
        assertThat(runs).hasSameSizeAs(model);
        for (int i = 0; i < runs.size(); i++) {
            assertThat(new long[] {runs.get(i).firstPage(), runs.get(i).pages(), runs.get(i).startPfn()})
                    .containsExactly(model.get(i));
        }
    }

    @Property
    void sortingGivesTheFewestRuns(@ForAll("heads") long[] heads) {
        int[] order = Contiguity.sortedOrder(heads);
        long[] sorted = Arrays.stream(order).mapToLong(i -> heads[i]).toArray();
        assertThat(sorted).isSorted().containsExactlyInAnyOrder(heads);
        List<PhysRun> after = Contiguity.runs(sorted, SIZE);
        // Sorted, a run breaks only where a frame is missing: the distinct gaps plus one.
        long gaps = 0;
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] != sorted[i - 1] + SIZE.basePages()) {
                gaps++;
            }
        }
        assertThat(after).hasSize((int) gaps + 1);
        assertThat(after.size()).isLessThanOrEqualTo(Contiguity.runs(heads, SIZE).size());
    }

    @Property
    void checkWithinFindsExactlyTheBrokenPages(@ForAll("heads") long[] heads,
                                               @ForAll("breaks") List<Integer> breaks) {
        int per = (int) SIZE.basePages();
        long[] pfns = new long[heads.length * per];
        for (int h = 0; h < heads.length; h++) {
            for (int i = 0; i < per; i++) {
                pfns[h * per + i] = heads[h] + i;
            }
        }
        List<Integer> broken = breaks.stream().filter(b -> b % per != 0 && b < pfns.length).distinct().sorted().toList();
        for (int b : broken) {
            pfns[b] += 1000;
        }
        List<Contiguity.Violation> v = Contiguity.checkWithin(pfns, SIZE);
        assertThat(v).extracting(x -> (int) (x.hugepage() * per + x.basePage())).containsExactlyElementsOf(broken);
    }

    @Provide
    Arbitrary<List<Integer>> breaks() {
        return Arbitraries.integers().between(0, 200).list().ofMaxSize(5);
    }

    @Property(tries = 50)
    void unalignedHeadIsAViolation(@ForAll("heads") long[] heads) {
        long[] pfns = new long[(int) SIZE.basePages()];
        for (int i = 0; i < pfns.length; i++) {
            pfns[i] = heads[0] + 1 + i;
        }
        assertThat(Contiguity.checkWithin(pfns, SIZE)).singleElement()
                .satisfies(x -> assertThat(x.basePage()).isZero());
    }
}

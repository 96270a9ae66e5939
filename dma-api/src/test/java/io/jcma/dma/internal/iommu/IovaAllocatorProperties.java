package io.jcma.dma.internal.iommu;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IOVA allocator against a page-array model: every allocation is the highest size-aligned
 * free range at or below the limit (sizes under 32 pages rounded to a power of two), and
 * nothing below pfn 1.
 */
class IovaAllocatorProperties {
    static final int SPACE = 512;

    @Provide
    Arbitrary<List<int[]>> ops() {
        Arbitrary<int[]> alloc = Arbitraries.integers().between(1, 70).flatMap(size -> Arbitraries.integers()
                .between(1, SPACE - 1).map(limit -> new int[] {size, limit}));
        Arbitrary<int[]> free = Arbitraries.integers().between(0, 40).map(i -> new int[] {-1, i});
        return Arbitraries.oneOf(alloc, alloc, free).list().ofMaxSize(80);
    }

    private static long pow2(long x) {
        return x <= 1 ? 1 : Long.highestOneBit(x - 1) << 1;
    }

    @Property(tries = 300)
    void highestAlignedFitBelowTheLimit(@ForAll("ops") List<int[]> ops) {
        IovaAllocator a = new IovaAllocator(1);
        boolean[] used = new boolean[SPACE];
        List<long[]> live = new ArrayList<>();
        for (int[] op : ops) {
            if (op[0] < 0) {
                if (live.isEmpty()) {
                    continue;
                }
                long[] r = live.remove(op[1] % live.size());
                assertThat(a.free(r[0] + r[1] / 2)).isEqualTo(r[1]);
                for (long p = r[0]; p < r[0] + r[1]; p++) {
                    used[(int) p] = false;
                }
                continue;
            }
            long size = op[0] < 32 ? pow2(op[0]) : op[0];
            long align = pow2(size);
            long expect = -1;
            for (long c = ((op[1] + 1 - size) & -align); c >= 1 && expect < 0; c -= align) {
                boolean free = c + size - 1 <= op[1];
                for (long p = c; p < c + size && free; p++) {
                    free = !used[(int) p];
                }
                if (free) {
                    expect = c;
                }
            }
            long got = a.alloc(op[0], op[1]);
            assertThat(got).as("alloc %d pages below %d", op[0], op[1]).isEqualTo(expect);
            if (got >= 0) {
                for (long p = got; p < got + size; p++) {
                    used[(int) p] = true;
                }
                live.add(new long[] {got, size});
            }
        }
        assertThat(a.allocatedPages()).isEqualTo(live.stream().mapToLong(r -> r[1]).sum());
    }
}

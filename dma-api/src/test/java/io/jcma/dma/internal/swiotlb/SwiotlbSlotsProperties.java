package io.jcma.dma.internal.swiotlb;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random map/unmap sequences against a model of slots (one boolean each): a mapping is found
 * exactly when the model has a free, aligned run inside one 128-slot segment; list[] always
 * counts the free slots to the next used one or the segment end.
 */
class SwiotlbSlotsProperties {

    @Provide
    Arbitrary<List<Integer>> ops() {
        // positive: map that many bytes; negative: unmap the live mapping at that index
        return Arbitraries.oneOf(Arbitraries.integers().between(1, 300 * 1024),
                Arbitraries.integers().between(1, 4096), Arbitraries.integers().between(-50, -1)).list().ofMaxSize(120);
    }

    @Property(tries = 200)
    void slotsMatchTheModel(@ForAll("ops") List<Integer> ops, @ForAll @IntRange(min = 1, max = 4) int segments) {
        int nslabs = segments * SwiotlbSlots.IO_TLB_SEGSIZE;
        SwiotlbSlots s = new SwiotlbSlots(nslabs);
        boolean[] used = new boolean[nslabs];
        List<int[]> live = new ArrayList<>();
        for (int op : ops) {
            if (op < 0) {
                if (live.isEmpty()) {
                    continue;
                }
                int[] m = live.remove((-op) % live.size());
                s.release(m[0]);
                for (int i = m[0]; i < m[0] + m[1]; i++) {
                    used[i] = false;
                }
            } else {
                int n = SwiotlbSlots.nrSlots(op);
                int stride = op >= 4096 ? 2 : 1;
                boolean possible = false;
                for (int i = 0; i + n <= nslabs && !possible; i += stride) {
                    if ((i / 128) != ((i + n - 1) / 128)) {
                        continue;
                    }
                    boolean free = true;
                    for (int j = i; j < i + n; j++) {
                        free &= !used[j];
                    }
                    possible = free;
                }
                int got = s.find(op, 0, 0xffff_ffffL);
                assertThat(got >= 0).as("map %d bytes, possible=%s", op, possible).isEqualTo(possible);
                if (got >= 0) {
                    assertThat(got % stride).isZero();
                    assertThat(got / 128).isEqualTo((got + n - 1) / 128);
                    for (int j = got; j < got + n; j++) {
                        assertThat(used[j]).isFalse();
                        used[j] = true;
                    }
                    live.add(new int[] {got, n});
                }
            }
            int[] list = s.listSnapshot();
            long usedCount = 0;
            for (int i = nslabs - 1; i >= 0; i--) {
                int expect = used[i] ? 0 : (i % 128 == 127 || used[i + 1] ? 1 : list[i + 1] + 1);
                if (!used[i] && i % 128 != 127 && !used[i + 1]) {
                    expect = list[i + 1] + 1;
                }
                assertThat(list[i]).as("list[%d]", i).isEqualTo(expect);
                usedCount += used[i] ? 1 : 0;
            }
            assertThat(s.used()).isEqualTo(usedCount);
        }
    }
}

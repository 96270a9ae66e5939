package io.jcma.cma.internal;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class BitmapTest {

    /** The definition: smallest aligned index >= start whose nr bits are clear and fit. */
    private static long naive(boolean[] b, long start, long nr, long mask, long off) {
        for (long i = start; i + nr <= b.length; i++) {
            if (((i + off) & mask) != 0) {
                continue;
            }
            boolean ok = true;
            for (long j = i; j < i + nr && ok; j++) {
                ok = !b[(int) j];
            }
            if (ok) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void findNextZeroAreaOffMatchesItsDefinitionOnEverySmallCase() {
        Random rnd = new Random(42);
        for (int trial = 0; trial < 400; trial++) {
            int n = 1 + rnd.nextInt(200);
            boolean[] b = new boolean[n];
            Bitmap bm = new Bitmap(n);
            int density = rnd.nextInt(100);
            for (int i = 0; i < n; i++) {
                if (rnd.nextInt(100) < density) {
                    b[i] = true;
                    bm.set(i, 1);
                }
            }
            for (int order = 0; order <= 6; order++) {
                long mask = (1L << order) - 1;
                for (long off = 0; off <= mask; off += Math.max(1, mask / 3)) {
                    for (int nr = 1; nr <= 70; nr += 7) {
                        long start = rnd.nextInt(n);
                        long want = naive(b, start, nr, mask, off);
                        long got = bm.findNextZeroAreaOff(n, start, nr, mask, off);
                        if (want < 0) {
                            assertThat(got).as("n=%d start=%d nr=%d mask=%d off=%d", n, start, nr, mask, off)
                                    .isGreaterThanOrEqualTo(n);
                        } else {
                            assertThat(got).as("n=%d start=%d nr=%d mask=%d off=%d", n, start, nr, mask, off)
                                    .isEqualTo(want);
                        }
                    }
                }
            }
        }
    }

    @Test
    void setClearWeightAndRunsAcrossWordBoundaries() {
        Bitmap bm = new Bitmap(300);
        bm.set(60, 10);
        bm.set(128, 64);
        assertThat(bm.weight(300)).isEqualTo(74);
        assertThat(bm.findNextBit(300, 0)).isEqualTo(60);
        assertThat(bm.findNextZeroBit(300, 60)).isEqualTo(70);
        assertThat(bm.findNextZeroBit(300, 128)).isEqualTo(192);
        assertThat(bm.maxZeroRun(300)).isEqualTo(108);
        bm.clear(128, 64);
        assertThat(bm.weight(300)).isEqualTo(10);
        assertThat(bm.allSet(60, 10)).isTrue();
        assertThat(bm.allSet(59, 2)).isFalse();
        java.util.BitSet expected = new java.util.BitSet();
        expected.set(60, 70);
        assertThat(bm.toBitSet(300)).isEqualTo(expected);
        assertThat(bm.toBitSet(65)).isEqualTo(expected.get(0, 65));
    }

    @Test
    void hugeMasksFailInsteadOfWrapping() {
        Bitmap bm = new Bitmap(128);
        bm.set(0, 1);
        assertThat(bm.findNextZeroAreaOff(128, 0, 1, (1L << 62) - 1, 0)).isGreaterThanOrEqualTo(128);
    }
}

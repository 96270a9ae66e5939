package io.jcma.shim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Physical contiguity of translated memory.
 *
 * <ol>
 *   <li>Inside a huge page: base page i of huge page h must have pfn
 *       {@code head(h) + i}, and the head must be aligned to the huge page size
 *       ({@link #checkWithin}).</li>
 *   <li>Across huge pages: virtual huge page h + 1 continues a run when
 *       {@code head(h + 1) == head(h) + basePages}; a run is cut everywhere else
 *       ({@link #runs}).</li>
 *   <li>Remapping: huge pages sorted by head pfn ({@link #sortedOrder}) and mapped at increasing
 *       virtual addresses make every physical run a virtual run as well.</li>
 * </ol>
 */
public final class Contiguity {
    private Contiguity() {
    }

    /** A base page whose pfn breaks contiguity inside its huge page. */
    public record Violation(int hugepage, long basePage, long expectedPfn, long actualPfn) {
        @Override
        public String toString() {
            return "hugepage=" + hugepage + " page=" + basePage + " pfn=0x" + Long.toHexString(actualPfn)
                    + " (expected: 0x" + Long.toHexString(expectedPfn) + ")";
        }
    }

    /**
     * Checks {@code pfns} (one per 4 KiB page, as many as whole huge pages of {@code size}):
     * each huge page's head aligned to the size, and every base page one after the previous.
     *
     * @return every violation, empty when all huge pages are whole
     * @throws IllegalArgumentException if pfns does not cover whole huge pages
     */
    public static List<Violation> checkWithin(long[] pfns, HugepageSize size) {
        long per = size.basePages();
        if (pfns.length % per != 0) {
            throw new IllegalArgumentException("pfns: " + pfns.length + " (expected: a multiple of " + per + ")");
        }
        List<Violation> out = new ArrayList<>();
        for (int h = 0; h < pfns.length / per; h++) {
            long head = pfns[(int) (h * per)];
            long alignedHead = head & -per;
            if (alignedHead != head) {
                out.add(new Violation(h, 0, alignedHead, head));
            }
            for (long i = 1; i < per; i++) {
                long actual = pfns[(int) (h * per + i)];
                if (actual != head + i) {
                    out.add(new Violation(h, i, head + i, actual));
                }
            }
        }
        return out;
    }

    /** The head pfn of each huge page, from per-base-page pfns. */
    public static long[] heads(long[] pfns, HugepageSize size) {
        int per = (int) size.basePages();
        long[] out = new long[pfns.length / per];
        for (int h = 0; h < out.length; h++) {
            out[h] = pfns[h * per];
        }
        return out;
    }

    /**
     * The physically contiguous runs of huge pages in virtual order: a run grows while the next
     * huge page's head is this one's head plus the huge page's base pages.
     */
    public static List<PhysRun> runs(long[] heads, HugepageSize size) {
        List<PhysRun> out = new ArrayList<>();
        long per = size.basePages();
        int start = 0;
        for (int i = 1; i <= heads.length; i++) {
            if (i == heads.length || heads[i] != heads[i - 1] + per) {
                out.add(new PhysRun(start, i - start, heads[start], size));
                start = i;
            }
        }
        return out;
    }

    /** The order that sorts huge pages by head pfn: {@code order[k]} is the k-th lowest. */
    public static int[] sortedOrder(long[] heads) {
        Integer[] idx = new Integer[heads.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Long.compare(heads[a], heads[b]));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }
}

package io.jcma.shim;

import io.jcma.cma.mm.MemoryBacking;
import io.jcma.cma.mm.MemoryBackingProvider;

/**
 * {@code --backing hugepages[:2M|1G][:COUNT]}: RAM of real hugetlb pages
 * ({@link HugepageBacking}). Without a size, the host's default huge page size; without a
 * count, {@value #DEFAULT_2M_PAGES} pages of 2 MiB or one of a larger size.
 */
public final class HugepageBackingProvider implements MemoryBackingProvider {
    static final int DEFAULT_2M_PAGES = 16;

    /** For ServiceLoader. */
    public HugepageBackingProvider() {
    }

    @Override
    public String name() {
        return "hugepages";
    }

    @Override
    public MemoryBacking open(String spec) {
        Spec s = Spec.parse(spec);
        return HugepageBacking.open(s.size(), s.count());
    }

    /** A parsed spec. */
    record Spec(HugepageSize size, int count) {
        /**
         * Parses "hugepages", "hugepages:2M", "hugepages:1G:2", "hugepages:2M:16" or
         * "hugepages:16".
         *
         * @throws IllegalArgumentException naming the bad part
         */
        static Spec parse(String spec) {
            String[] w = spec.split(":", -1);
            if (!w[0].equals("hugepages") || w.length > 3) {
                throw new IllegalArgumentException("backing: " + spec + " (expected: hugepages[:2M|1G][:COUNT])");
            }
            HugepageSize size = null;
            Integer count = null;
            for (int i = 1; i < w.length; i++) {
                String t = w[i];
                if (t.matches("\\d+") && (i == w.length - 1) && count == null) {
                    count = parseCount(t, spec);
                } else if (size == null && i == 1) {
                    try {
                        size = HugepageSize.parse(t);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("backing: " + spec + ": hugepage size: " + t
                                + " (expected: 2M or 1G)");
                    }
                } else {
                    throw new IllegalArgumentException("backing: " + spec + ": " + t
                            + " (expected: hugepages[:2M|1G][:COUNT])");
                }
            }
            if (size == null) {
                size = Hugepages.defaultSize();
            }
            if (count == null) {
                count = size.bytes() <= HugepageSize.SIZE_2M.bytes() ? DEFAULT_2M_PAGES : 1;
            }
            return new Spec(size, count);
        }

        private static int parseCount(String t, String spec) {
            int n;
            try {
                n = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("backing: " + spec + ": count: " + t + " (expected: 1..2^31-1)");
            }
            if (n <= 0) {
                throw new IllegalArgumentException("backing: " + spec + ": count: " + t + " (expected: > 0)");
            }
            return n;
        }
    }
}

package io.jcma.bench;

/**
 * The peer of {@link CmaAllocBench}: the kernel's cma_alloc()/cma_release() bitmap algorithm
 * written plainly, one {@code boolean} per bit and one bit at a time (find_next_zero_bit,
 * align, find_next_bit over the candidate, restart after the set bit). No page allocator, no
 * locks, no bookkeeping: only the search and the marking.
 */
final class PlainCma {
    private final boolean[] bits;
    private final long basePfn;

    PlainCma(long basePfn, long count) {
        this.basePfn = basePfn;
        this.bits = new boolean[(int) count];
    }

    /** The pfn of {@code count} pages aligned to 2^align, or -1. order_per_bit is 0. */
    long alloc(int count, int align) {
        int size = bits.length;
        long mask = (1L << align) - 1;
        long offset = basePfn & mask;
        int start = 0;
        while (true) {
            int index = start;
            while (index < size && bits[index]) {
                index++;
            }
            long aligned = ((index + offset + mask) & ~mask) - offset;
            if (aligned + count > size) {
                return -1;
            }
            int i = (int) aligned;
            int end = i + count;
            int set = -1;
            for (int j = i; j < end; j++) {
                if (bits[j]) {
                    set = j;
                    break;
                }
            }
            if (set >= 0) {
                start = set + 1;
                continue;
            }
            for (int j = i; j < end; j++) {
                bits[j] = true;
            }
            return basePfn + i;
        }
    }

    void release(long pfn, int count) {
        int i = (int) (pfn - basePfn);
        for (int j = i; j < i + count; j++) {
            bits[j] = false;
        }
    }
}

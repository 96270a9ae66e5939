package io.jcma.cma;

import java.util.Set;

/**
 * A deliberately plain model of mm/cma.c's allocator: a boolean per bit and brute-force search
 * for the smallest aligned free run at or after {@code start}, which is what
 * bitmap_find_next_zero_area_off() computes. Used as the oracle of differential tests.
 */
final class ReferenceCma {
    final long basePfn;
    final int opb;
    final boolean[] bits;
    final Set<Long> busyPfns;

    ReferenceCma(long basePfn, long count, int opb, Set<Long> busyPfns) {
        this.basePfn = basePfn;
        this.opb = opb;
        this.bits = new boolean[(int) (count >> opb)];
        this.busyPfns = busyPfns;
    }

    long mask(int align) {
        return align <= opb ? 0 : (1L << (align - opb)) - 1;
    }

    long offset(int align) {
        return (basePfn & ((1L << align) - 1)) >> opb;
    }

    long bitsFor(long pages) {
        long unit = 1L << opb;
        return (pages + unit - 1) / unit;
    }

    /** The pfn cma_alloc would return, or -1. */
    long alloc(long count, int align) {
        long nr = bitsFor(count);
        long mask = mask(align);
        long off = offset(align);
        long start = 0;
        if (count == 0 || nr > bits.length) {
            return -1;
        }
        while (true) {
            long found = -1;
            for (long i = start; i + nr <= bits.length; i++) {
                if (((i + off) & mask) != 0) {
                    continue;
                }
                boolean free = true;
                for (long j = i; j < i + nr; j++) {
                    if (bits[(int) j]) {
                        free = false;
                        break;
                    }
                }
                if (free) {
                    found = i;
                    break;
                }
            }
            if (found < 0) {
                return -1;
            }
            long pfn = basePfn + (found << opb);
            boolean busy = false;
            for (long p = pfn; p < pfn + count; p++) {
                if (busyPfns.contains(p)) {
                    busy = true;
                }
            }
            if (!busy) {
                for (long j = found; j < found + nr; j++) {
                    bits[(int) j] = true;
                }
                return pfn;
            }
            start = found + mask + 1;
        }
    }

    void release(long pfn, long count) {
        long first = (pfn - basePfn) >> opb;
        for (long j = first; j < first + bitsFor(count); j++) {
            bits[(int) j] = false;
        }
    }

    long used() {
        long n = 0;
        for (boolean b : bits) {
            n += b ? 1 : 0;
        }
        return n << opb;
    }

    long maxchunk() {
        long best = 0;
        long run = 0;
        for (boolean b : bits) {
            run = b ? 0 : run + 1;
            best = Math.max(best, run);
        }
        return best << opb;
    }
}

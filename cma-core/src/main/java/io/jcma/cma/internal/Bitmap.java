package io.jcma.cma.internal;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Mirrors lib/bitmap.c and lib/find_bit.c: a fixed-size bitmap in {@code long[]} words, with the
 * operations CMA uses. Bit {@code i} is {@code words[i >>> 6] & (1L << i)}. Not thread-safe:
 * callers hold the area's lock, as the kernel holds cma->lock.
 */
public final class Bitmap {
    private final long[] words;
    private final long nbits;

    public Bitmap(long nbits) {
        if (nbits < 0 || nbits > (long) Integer.MAX_VALUE * 64) {
            throw new IllegalArgumentException("nbits: " + nbits + " (expected: 0.." + (long) Integer.MAX_VALUE * 64 + ")");
        }
        this.nbits = nbits;
        this.words = new long[(int) ((nbits + 63) >>> 6)];
    }

    public long size() {
        return nbits;
    }

    public boolean get(long bit) {
        return (words[(int) (bit >>> 6)] & (1L << bit)) != 0;
    }

    /** bitmap_set(). */
    public void set(long start, long count) {
        apply(start, count, true);
    }

    /** bitmap_clear(). */
    public void clear(long start, long count) {
        apply(start, count, false);
    }

    private void apply(long start, long count, boolean value) {
        if (start < 0 || count < 0 || start + count > nbits) {
            throw new IndexOutOfBoundsException("bits: [" + start + ", " + (start + count) + ") (expected: within 0.." + nbits + ")");
        }
        long end = start + count;
        while (start < end) {
            int w = (int) (start >>> 6);
            int lo = (int) (start & 63);
            int n = (int) Math.min(64 - lo, end - start);
            long mask = (n == 64 ? -1L : ((1L << n) - 1)) << lo;
            if (value) {
                words[w] |= mask;
            } else {
                words[w] &= ~mask;
            }
            start += n;
        }
    }

    /** True if every bit of [start, start + count) is set. */
    public boolean allSet(long start, long count) {
        return findNextZeroBit(start + count, start) >= start + count;
    }

    /** find_next_zero_bit(): the first clear bit at or after {@code start} below {@code size}, else size. */
    public long findNextZeroBit(long size, long start) {
        return findNext(size, start, -1L);
    }

    /** find_next_bit(): the first set bit at or after {@code start} below {@code size}, else size. */
    public long findNextBit(long size, long start) {
        return findNext(size, start, 0);
    }

    /** The first bit at or after {@code start} that is set in {@code words[i] ^ invert}, else size. */
    private long findNext(long size, long start, long invert) {
        size = Math.min(size, nbits);
        if (start >= size) {
            return size;
        }
        int w = (int) (start >>> 6);
        long word = (words[w] ^ invert) & (-1L << start);
        while (true) {
            if (word != 0) {
                long bit = ((long) w << 6) + Long.numberOfTrailingZeros(word);
                return Math.min(bit, size);
            }
            w++;
            if ((long) w << 6 >= size) {
                return size;
            }
            word = words[w] ^ invert;
        }
    }

    /**
     * bitmap_find_next_zero_area_off(): the first index at or after {@code start} where
     * {@code nr} clear bits begin, with {@code (index + alignOffset) & alignMask == 0}. On
     * failure returns a value greater than {@code size} (index + nr, as the kernel does).
     */
    public long findNextZeroAreaOff(long size, long start, long nr, long alignMask, long alignOffset) {
        while (true) {
            long index = findNextZeroBit(size, start);
            index = ((index + alignOffset + alignMask) & ~alignMask) - alignOffset;
            long end = index + nr;
            if (index < 0 || end < 0) {
                return Long.MAX_VALUE; // past 2^63: the kernel's unsigned index is past the end too
            }
            if (end > size) {
                return end;
            }
            long i = findNextBit(end, index);
            if (i < end) {
                start = i + 1;
                continue;
            }
            return index;
        }
    }

    /** bitmap_weight() over the first {@code size} bits. */
    public long weight(long size) {
        size = Math.min(size, nbits);
        long full = size >>> 6;
        long w = 0;
        for (int i = 0; i < full; i++) {
            w += Long.bitCount(words[i]);
        }
        int rest = (int) (size & 63);
        if (rest != 0) {
            w += Long.bitCount(words[(int) full] & ((1L << rest) - 1));
        }
        return w;
    }

    /** The longest run of clear bits below {@code size}. */
    public long maxZeroRun(long size) {
        long max = 0;
        long end = 0;
        while (true) {
            long start = findNextZeroBit(size, end);
            if (start >= size) {
                return max;
            }
            end = findNextBit(size, start);
            max = Math.max(max, end - start);
        }
    }

    /** A copy of the first {@code size} bits. */
    public BitSet toBitSet(long size) {
        int n = (int) ((Math.min(size, nbits) + 63) >>> 6);
        BitSet b = BitSet.valueOf(Arrays.copyOf(words, n));
        if (size < (long) n << 6) {
            b.clear((int) size, n << 6);
        }
        return b;
    }

    public Bitmap copy() {
        Bitmap b = new Bitmap(nbits);
        System.arraycopy(words, 0, b.words, 0, words.length);
        return b;
    }
}

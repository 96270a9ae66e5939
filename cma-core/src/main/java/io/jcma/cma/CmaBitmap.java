package io.jcma.cma;

import java.util.BitSet;

/**
 * A snapshot of one area's bitmap (cma->bitmap), taken under the area's lock: what debugfs's
 * {@code cma/<name>/bitmap} prints and what a picture of the area draws.
 *
 * <pre>
 *   bit:    0   1   2   3   4  ...  nbits-1
 *         +---+---+---+---+---+-----+---+
 *         | 1 | 1 | 0 | 0 | 1 | ... | 0 |     1 = allocated (or being allocated)
 *         +---+---+---+---+---+-----+---+
 *   pfn:  base_pfn + (bit &lt;&lt; order_per_bit)
 * </pre>
 *
 * @param basePfn     the area's first page
 * @param orderPerBit one bit stands for 2^orderPerBit pages
 * @param nbits       bits in the bitmap, cma_bitmap_maxno(); 0 for an area that is not active
 * @param allocated   the set bits; the snapshot keeps its own copy and hands out copies
 */
public record CmaBitmap(long basePfn, int orderPerBit, int nbits, BitSet allocated) {
    /**
     * @throws IllegalArgumentException if nbits is negative, orderPerBit is outside 0..31 or a
     *                                  bit at or past nbits is set
     */
    public CmaBitmap {
        if (nbits < 0) {
            throw new IllegalArgumentException("nbits: " + nbits + " (expected: >= 0)");
        }
        if (orderPerBit < 0 || orderPerBit > 31) {
            throw new IllegalArgumentException("orderPerBit: " + orderPerBit + " (expected: 0..31)");
        }
        if (allocated.length() > nbits) {
            throw new IllegalArgumentException("allocated: bit " + (allocated.length() - 1) + " is set (expected: below "
                    + nbits + ")");
        }
        allocated = (BitSet) allocated.clone();
    }

    /** A copy of the set bits. */
    @Override
    public BitSet allocated() {
        return (BitSet) allocated.clone();
    }

    /**
     * Whether bit {@code bit} is set: its 2^order_per_bit pages are allocated.
     *
     * @throws IndexOutOfBoundsException if bit is outside 0..nbits-1
     */
    public boolean isAllocated(int bit) {
        if (bit < 0 || bit >= nbits) {
            throw new IndexOutOfBoundsException("bit: " + bit + " (expected: 0.." + (nbits - 1) + ")");
        }
        return allocated.get(bit);
    }

    /** Set bits (bitmap_weight()). */
    public int weight() {
        return allocated.cardinality();
    }

    /**
     * The first pfn bit {@code bit} stands for.
     *
     * @throws IndexOutOfBoundsException if bit is outside 0..nbits-1
     */
    public long pfn(int bit) {
        if (bit < 0 || bit >= nbits) {
            throw new IndexOutOfBoundsException("bit: " + bit + " (expected: 0.." + (nbits - 1) + ")");
        }
        return basePfn + ((long) bit << orderPerBit);
    }
}

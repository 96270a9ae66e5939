package io.jcma.cma.mm;

/**
 * The migratetype of every pageblock (2^pageblock_order pages), one byte each, indexed by
 * {@code pfn >> PAGEBLOCK_ORDER}: the kernel's pageblock_flags bitmap. Every pageblock starts
 * MOVABLE, as memmap_init() leaves it.
 */
public final class Pageblocks {
    private final long firstBlock;
    private final byte[] types;

    private Pageblocks(long startPfn, long endPfn) {
        this.firstBlock = startPfn >>> Mm.PAGEBLOCK_ORDER;
        long last = (endPfn + Mm.PAGEBLOCK_NR_PAGES - 1) >>> Mm.PAGEBLOCK_ORDER;
        long n = last - firstBlock;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("pfn span: [" + startPfn + ", " + endPfn + ") (expected: < 2^31 pageblocks)");
        }
        this.types = new byte[(int) n];
        java.util.Arrays.fill(types, (byte) Migratetype.MOVABLE.ordinal());
    }

    /** Pageblocks covering pfns [startPfn, endPfn). */
    public static Pageblocks create(long startPfn, long endPfn) {
        return new Pageblocks(startPfn, endPfn);
    }

    private int index(long pfn) {
        long i = (pfn >>> Mm.PAGEBLOCK_ORDER) - firstBlock;
        if (i < 0 || i >= types.length) {
            throw new IndexOutOfBoundsException("pfn: " + pfn + " (expected: a pfn of RAM)");
        }
        return (int) i;
    }

    /** get_pageblock_migratetype(). */
    public Migratetype get(long pfn) {
        return Migratetype.ofOrdinal(types[index(pfn)]);
    }

    /** set_pageblock_migratetype(). */
    public void set(long pfn, Migratetype mt) {
        types[index(pfn)] = (byte) mt.ordinal();
    }
}

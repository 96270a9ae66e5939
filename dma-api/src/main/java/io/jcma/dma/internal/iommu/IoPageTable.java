package io.jcma.dma.internal.iommu;

import java.util.HashMap;

/**
 * Mirrors the page tables of drivers/iommu/io-pgtable-arm.c for 4 KiB pages: a directory of
 * 512-entry leaf tables, as the last two levels of an x86 or arm64 table. A leaf entry holds the physical pfn and the permission bits:
 * <pre>
 *    63                                   2   1   0
 *   +--------------------------------------+---+---+
 *   |             physical pfn             | W | R |     0 = not present
 *   +--------------------------------------+---+---+
 * </pre>
 * Not thread-safe; the domain serialises access.
 */
public final class IoPageTable {
    private static final int LEAF_SHIFT = 9;
    private static final int LEAF_MASK = (1 << LEAF_SHIFT) - 1;

    private final HashMap<Long, long[]> directory = new HashMap<>();
    private long mapped;

    /**
     * Sets the entry for {@code iovaPfn}.
     *
     * @throws IllegalArgumentException if prot has no permission bit
     * @return false if the page was already mapped (nothing changed)
     */
    public boolean map(long iovaPfn, long physPfn, int prot) {
        if ((prot & 3) == 0) {
            throw new IllegalArgumentException("prot: " + prot + " (expected: IOMMU_READ and/or IOMMU_WRITE)");
        }
        long[] leaf = directory.computeIfAbsent(iovaPfn >>> LEAF_SHIFT, k -> new long[1 << LEAF_SHIFT]);
        int i = (int) (iovaPfn & LEAF_MASK);
        if (leaf[i] != 0) {
            return false;
        }
        leaf[i] = (physPfn << 2) | (prot & 3);
        mapped++;
        return true;
    }

    /** Clears the entry; false if it was not present. */
    public boolean unmap(long iovaPfn) {
        long[] leaf = directory.get(iovaPfn >>> LEAF_SHIFT);
        int i = (int) (iovaPfn & LEAF_MASK);
        if (leaf == null || leaf[i] == 0) {
            return false;
        }
        leaf[i] = 0;
        mapped--;
        return true;
    }

    /** The raw entry, 0 when not present. */
    public long entry(long iovaPfn) {
        long[] leaf = directory.get(iovaPfn >>> LEAF_SHIFT);
        return leaf == null ? 0 : leaf[(int) (iovaPfn & LEAF_MASK)];
    }

    public static long physPfn(long entry) {
        return entry >>> 2;
    }

    public static int prot(long entry) {
        return (int) (entry & 3);
    }

    public long mappedPages() {
        return mapped;
    }
}

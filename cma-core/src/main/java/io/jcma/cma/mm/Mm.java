package io.jcma.cma.mm;

/**
 * Memory-management constants and address arithmetic, as the kernel defines them for x86-64
 * (and arm64 with 4 KiB pages).
 */
public final class Mm {
    private Mm() {
    }

    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    /** pageblock_order: a pageblock is one huge page, 2 MiB. */
    public static final int PAGEBLOCK_ORDER = 9;
    public static final long PAGEBLOCK_NR_PAGES = 1L << PAGEBLOCK_ORDER;
    /** MAX_PAGE_ORDER (MAX_ORDER before 6.8): the largest buddy block is 2^10 pages, 4 MiB. */
    public static final int MAX_PAGE_ORDER = 10;
    /** CMA_MIN_ALIGNMENT_PAGES = pageblock_nr_pages (6.1+; older kernels used MAX_ORDER - 1). */
    public static final long CMA_MIN_ALIGNMENT_PAGES = PAGEBLOCK_NR_PAGES;
    public static final long CMA_MIN_ALIGNMENT_BYTES = PAGE_SIZE * CMA_MIN_ALIGNMENT_PAGES;
    public static final int NUMA_NO_NODE = -1;
    public static final long SZ_1M = 1L << 20;
    public static final long SZ_4G = 1L << 32;

    /** PFN_PHYS(). */
    public static long pfnPhys(long pfn) {
        return pfn << PAGE_SHIFT;
    }

    /** PFN_DOWN(). */
    public static long pfnDown(long phys) {
        return phys >>> PAGE_SHIFT;
    }

    /** PFN_UP(). */
    public static long pfnUp(long phys) {
        return (phys + PAGE_SIZE - 1) >>> PAGE_SHIFT;
    }

    /** ALIGN(x, a) for a power-of-two {@code a}: round up. */
    public static long alignUp(long x, long a) {
        return (x + a - 1) & -a;
    }

    /** ALIGN_DOWN(x, a) for a power-of-two {@code a}. */
    public static long alignDown(long x, long a) {
        return x & -a;
    }

    public static boolean isAligned(long x, long a) {
        return (x & (a - 1)) == 0;
    }

    public static boolean isPowerOfTwo(long x) {
        return x != 0 && (x & (x - 1)) == 0;
    }

    /** The kernel's {@code %pa}: a physical address as 0x followed by 16 hex digits. */
    public static String pa(long phys) {
        return String.format("0x%016x", phys);
    }
}

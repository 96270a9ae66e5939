package io.jcma.shim;

import io.jcma.cma.mm.Mm;
import io.jcma.shim.internal.Libc;

/**
 * A huge page size the host supports: one directory {@code hugepages-<kB>kB} under
 * /sys/kernel/mm/hugepages. x86-64 has 2 MiB (PMD) and 1 GiB (PUD) pages.
 *
 * @param bytes the page size in bytes, a power of two above the base page size
 */
public record HugepageSize(long bytes) {
    public static final HugepageSize SIZE_2M = new HugepageSize(2 * Mm.SZ_1M);
    public static final HugepageSize SIZE_1G = new HugepageSize(1L << 30);

    /** @throws IllegalArgumentException if bytes is not a power of two above the page size */
    public HugepageSize {
        if (!Mm.isPowerOfTwo(bytes) || bytes <= Mm.PAGE_SIZE) {
            throw new IllegalArgumentException("hugepage size: " + bytes + " (expected: power of two > 4096)");
        }
    }

    /**
     * Parses "2M", "1G", "2048kB", "1048576kB" or a byte count.
     *
     * @throws IllegalArgumentException naming the text if it is not a size
     */
    public static HugepageSize parse(String text) {
        String t = text.strip();
        long mult = 1;
        String num = t;
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith("kb")) {
            mult = 1024;
            num = t.substring(0, t.length() - 2);
        } else if (!t.isEmpty()) {
            switch (Character.toUpperCase(t.charAt(t.length() - 1))) {
                case 'K' -> mult = 1L << 10;
                case 'M' -> mult = 1L << 20;
                case 'G' -> mult = 1L << 30;
                default -> mult = 1;
            }
            if (mult != 1) {
                num = t.substring(0, t.length() - 1);
            }
        }
        long n;
        try {
            n = Long.parseLong(num);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("hugepage size: " + text + " (expected: 2M or 1G)");
        }
        if (n <= 0 || n > Long.MAX_VALUE / mult || !Mm.isPowerOfTwo(n * mult) || n * mult <= Mm.PAGE_SIZE) {
            throw new IllegalArgumentException("hugepage size: " + text + " (expected: 2M or 1G)");
        }
        return new HugepageSize(n * mult);
    }

    /** The size in KiB, as sysfs and /proc/meminfo write it. */
    public long kb() {
        return bytes >>> 10;
    }

    /** Base pages (4 KiB) per huge page: 512 for 2 MiB, 262144 for 1 GiB. */
    public long basePages() {
        return bytes >>> Mm.PAGE_SHIFT;
    }

    /** The sysfs directory name: "hugepages-2048kB". */
    public String sysfsName() {
        return "hugepages-" + kb() + "kB";
    }

    /** The MAP_HUGE_* flag for mmap: log2(size) << MAP_HUGE_SHIFT. */
    public int mmapFlag() {
        return Long.numberOfTrailingZeros(bytes) << Libc.MAP_HUGE_SHIFT;
    }

    /** "2M" or "1G". */
    @Override
    public String toString() {
        if (bytes >= 1L << 30 && (bytes & ((1L << 30) - 1)) == 0) {
            return (bytes >>> 30) + "G";
        }
        return (bytes >>> 20) + "M";
    }
}

package io.jcma.cma.fs;

import io.jcma.cma.Cma;
import io.jcma.cma.CmaAllocation;
import io.jcma.cma.CmaAreas;
import io.jcma.cma.CmaBitmap;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.PageAllocator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * CMA's files: mm/cma_debug.c's debugfs directory per area, mm/cma_sysfs.c's sysfs directory per
 * area, and the CMA lines of /proc/meminfo and /proc/vmstat, each formatted as the kernel
 * formats it.
 */
public final class CmaFs {
    private CmaFs() {
    }

    public static final String DEBUGFS = "/sys/kernel/debug/cma";
    public static final String SYSFS = "/sys/kernel/mm/cma";
    /** jcma's own files, beyond the kernel's: who holds what. */
    public static final String JCMA = "/sys/kernel/debug/jcma/cma";

    /** Registers every area's files and the proc files. */
    public static void register(KernelFs fs, CmaAreas cma, PageAllocator pages) {
        fs.mkdir(DEBUGFS);
        fs.mkdir(SYSFS);
        for (Cma area : cma.areas()) {
            registerArea(fs, area);
        }
        fs.registerFile("/sys/power/state", () -> "freeze mem\n", v -> powerState(cma, v));
        fs.registerFile("/proc/meminfo", () -> meminfo(cma, pages), null);
        fs.registerFile("/proc/vmstat", () -> vmstat(cma, pages), null);
    }

    private static void registerArea(KernelFs fs, Cma area) {
        String d = DEBUGFS + "/" + area.name();
        // The pages cma_debug allocated, newest first: "free" gives back from the head.
        Deque<CmaAllocation> mem = new ArrayDeque<>();
        fs.registerFile(d + "/alloc", null, v -> allocWrite(area, mem, kstrtoull(v, d + "/alloc")));
        fs.registerFile(d + "/free", null, v -> freeWrite(area, mem, kstrtoull(v, d + "/free")));
        fs.registerFile(d + "/base_pfn", () -> area.basePfn() + "\n", null);
        fs.registerFile(d + "/count", () -> area.count() + "\n", null);
        fs.registerFile(d + "/order_per_bit", () -> area.orderPerBit() + "\n", null);
        fs.registerFile(d + "/used", () -> area.used() + "\n", null);
        fs.registerFile(d + "/maxchunk", () -> area.maxchunk() + "\n", null);
        fs.registerFile(d + "/bitmap", () -> u32Array(area.bitmap()), null);

        String s = SYSFS + "/" + area.name();
        fs.registerFile(s + "/alloc_pages_success", () -> area.metrics().allocPagesSuccess() + "\n", null);
        fs.registerFile(s + "/alloc_pages_fail", () -> area.metrics().allocPagesFail() + "\n", null);
        fs.registerFile(s + "/release_pages_success", () -> area.metrics().releasePagesSuccess() + "\n", null);
        // total_pages and available_pages came after 6.12 (6.15); kept because users ask for them.
        fs.registerFile(s + "/total_pages", () -> area.count() + "\n", null);
        fs.registerFile(s + "/available_pages", () -> area.availableCount() + "\n", null);

        fs.registerFile(JCMA + "/" + area.name() + "/allocations", () -> allocations(area), null);
    }

    /**
     * One line per live allocation: pfn, pages, align order, age, owner, busy retries, pages
     * migrated, latency and call site. The kernel cannot say who holds its CMA pages; this can.
     */
    static String allocations(Cma area) {
        StringBuilder sb = new StringBuilder(String.format("%-12s %8s %5s %10s %-16s %7s %8s %10s %s%n",
                "pfn", "pages", "align", "age_ms", "owner", "retries", "migrated", "alloc_us", "call_site"));
        long now = System.nanoTime();
        for (CmaAllocation a : area.allocations()) {
            sb.append(String.format("%#-12x %8d %5d %10d %-16s %7d %8d %10d %s%n", a.pfn(), a.count(), a.align(),
                    (now - a.timestampNanos()) / 1_000_000, a.owner(), a.cost().retries(), a.cost().pagesMigrated(),
                    a.cost().nanos() / 1000, a.callSite()));
        }
        return sb.toString();
    }

    /**
     * {@code echo mem > /sys/power/state}: a suspend and an immediate resume. Every CMA
     * allocation must have been released first, as CMA asks of its users; otherwise EBUSY names
     * the live ones and the machine stays up, as a failed device suspend leaves it.
     */
    private static void powerState(CmaAreas cma, String v) {
        String state = v.strip();
        if (!state.equals("mem") && !state.equals("freeze")) {
            throw new ErrnoException(Errno.EINVAL, "/sys/power/state: '" + v + "' (expected: freeze or mem)");
        }
        cma.suspend();
        cma.resume();
    }

    /**
     * cma_alloc_mem(): one cma_alloc of {@code count} pages, align 0, kept on the list. The u64
     * written is cut to cma_alloc_mem()'s int; a negative int reaches cma_alloc() as an unsigned
     * long past 2^63, more pages than any area has, which cma_alloc() turns away before its
     * search: ENOMEM, nothing logged, nothing counted in alloc_pages_fail or cma_alloc_fail.
     * ("-1" itself never gets this far: kstrtoull() refuses it, EINVAL.) Not modelled: the
     * kernel's cma_alloc_start tracepoint fires for that request, and on an area with
     * order_per_bit &gt; 0 a count within 2^order_per_bit of 2^64 rounds to zero bits in
     * cma_bitmap_pages_to_bits(), which sends the kernel into alloc_contig_range() with an end
     * before its start; jcma turns those away as well.
     */
    private static void allocWrite(Cma area, Deque<CmaAllocation> mem, long val) {
        int count = (int) val; // cma_alloc_mem() takes an int
        if (count < 0) {
            throw new ErrnoException(Errno.ENOMEM, "cma_alloc_mem: area=" + area.name() + " count=" + count
                    + " (" + Long.toUnsignedString(count) + " pages as cma_alloc() reads it): more than the area has");
        }
        Optional<CmaAllocation> a = area.alloc(count, 0, false, "cma_debug");
        if (a.isEmpty()) {
            throw new ErrnoException(Errno.ENOMEM, "cma_alloc_mem: area=" + area.name() + " count=" + count
                    + ": alloc failed");
        }
        synchronized (mem) {
            mem.push(a.get());
        }
    }

    /**
     * cma_free_mem(): frees {@code count} pages from the newest allocations; splits one only when
     * order_per_bit is 0, else stops there (as the kernel does, with a debug message).
     */
    private static void freeWrite(Cma area, Deque<CmaAllocation> mem, long val) {
        int count = (int) val;
        synchronized (mem) {
            // The kernel loops while (count) and compares mem->n <= count as unsigned long, so a
            // negative count (4294967295 written) frees every cma_debug allocation.
            while (count != 0) {
                CmaAllocation a = mem.poll();
                if (a == null) {
                    break;
                }
                if (count < 0 || a.count() <= count) {
                    area.release(a.pfn(), a.count());
                    if (count > 0) {
                        count -= (int) a.count();
                    }
                } else if (area.orderPerBit() == 0) {
                    long rest = a.pfn() + count;
                    area.release(a.pfn(), count);
                    mem.push(area.allocations().stream().filter(x -> x.pfn() == rest).findFirst().orElseThrow());
                    count = 0;
                } else {
                    mem.push(a);
                    break;
                }
            }
        }
    }

    /**
     * kstrtoull(s, 0) of lib/kstrtox.c: one optional leading '+', then 0x hex (when a hex digit
     * follows), 0 octal or decimal, at least one digit, and nothing after but one newline.
     * Anything else is EINVAL; a value past 2^64 - 1 is ERANGE.
     */
    static long kstrtoull(String v, String path) {
        String s = v.endsWith("\n") ? v.substring(0, v.length() - 1) : v;
        int i = 0;
        if (s.startsWith("+")) {
            i = 1;
        }
        int radix = 10;
        if (s.length() > i + 2 && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                && Character.digit(s.charAt(i + 2), 16) >= 0 && s.charAt(i + 2) < 128) {
            radix = 16;
            i += 2;
        } else if (s.length() > i && s.charAt(i) == '0') {
            radix = 8;
        }
        int start = i;
        long value = 0;
        boolean overflow = false;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            int d = c < 128 ? Character.digit(c, radix) : -1;
            if (d < 0) {
                break;
            }
            if (Long.compareUnsigned(value, Long.divideUnsigned(-1L - d, radix)) > 0) {
                overflow = true;
            }
            value = value * radix + d;
        }
        if (i == start || i != s.length()) {
            throw new ErrnoException(Errno.EINVAL, path + ": value '" + v + "' (expected: an unsigned number)");
        }
        if (overflow) {
            throw new ErrnoException(Errno.ERANGE, path + ": value '" + v + "' (expected: below 2^64)");
        }
        return value;
    }

    /**
     * The bitmap as debugfs_create_u32_array() shows cma->bitmap: ceil(nbits / 32) 32-bit words,
     * bit 0 the lowest bit of the first, as the little-endian longs of the kernel read in u32s.
     */
    static String u32Array(CmaBitmap bitmap) {
        long[] longs = bitmap.allocated().toLongArray();
        int[] words = new int[(bitmap.nbits() + 31) >>> 5];
        for (int i = 0; i < words.length; i++) {
            long w = (i >>> 1) < longs.length ? longs[i >>> 1] : 0;
            words[i] = (int) ((i & 1) == 0 ? w : w >>> 32);
        }
        return u32Array(words);
    }

    /** debugfs_create_u32_array()'s format: the words in decimal, space-separated. */
    static String u32Array(int[] words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(Integer.toUnsignedString(words[i]));
        }
        return sb.append('\n').toString();
    }

    private static String kb(String label, long pages) {
        return String.format("%-16s%8d kB%n", label + ":", pages << (Mm.PAGE_SHIFT - 10));
    }

    static String meminfo(CmaAreas cma, PageAllocator pages) {
        long free = pages.freePages();
        return kb("MemTotal", pages.managedPages())
                + kb("MemFree", free)
                + kb("MemAvailable", free)
                + kb("CmaTotal", cma.totalcmaPages())
                + kb("CmaFree", pages.freeCmaPages());
    }

    static String vmstat(CmaAreas cma, PageAllocator pages) {
        return "nr_free_pages " + pages.freePages() + "\n"
                + "nr_free_cma " + pages.freeCmaPages() + "\n"
                + "cma_alloc_success " + cma.vmCmaAllocSuccess() + "\n"
                + "cma_alloc_fail " + cma.vmCmaAllocFail() + "\n";
    }
}

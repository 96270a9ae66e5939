package io.jcma.cma.fs;

import io.jcma.cma.Cma;
import io.jcma.cma.CmaBitmap;
import io.jcma.cma.internal.Bitmap;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The debugfs, sysfs and procfs files of CMA, in the kernel's formats and with its errnos. */
class CmaFsTest {
    private static final String D = "/sys/kernel/debug/cma/reserved/";
    private static final String S = "/sys/kernel/mm/cma/reserved/";
    private Machine m;
    private KernelFs fs;

    @BeforeEach
    void boot() {
        m = Machine.boot(Platform.builder().mem(1L << 30).cmdline("cma=32M").build());
        fs = m.fs();
    }

    @AfterEach
    void close() {
        m.close();
    }

    private Errno fails(Runnable r) {
        ErrnoException ex = catchThrowableOfType(ErrnoException.class, r::run);
        assertThat(ex).as("expected an ErrnoException").isNotNull();
        return ex.errno();
    }

    @Test
    void debugfsListsTheKernelsFiles() {
        assertThat(fs.list("/sys/kernel/debug/cma")).containsExactly("reserved");
        assertThat(fs.list(D)).containsExactlyInAnyOrder("alloc", "free", "count", "used", "maxchunk",
                "order_per_bit", "base_pfn", "bitmap");
        assertThat(fs.list(S)).containsExactlyInAnyOrder("alloc_pages_success", "alloc_pages_fail",
                "release_pages_success", "total_pages", "available_pages");
    }

    @Test
    void allocAndFreeWorkAsCmaDebugDoes() {
        Cma c = m.defaultArea().orElseThrow();
        fs.write(D + "alloc", "100");
        fs.write(D + "alloc", "0x10");
        assertThat(fs.read(D + "used")).isEqualTo("116\n");
        assertThat(fs.read(D + "count")).isEqualTo("8192\n");
        assertThat(fs.read(D + "base_pfn")).isEqualTo(c.basePfn() + "\n");
        assertThat(fs.read(D + "order_per_bit")).isEqualTo("0\n");
        assertThat(fs.read(D + "maxchunk")).isEqualTo("8076\n");
        // free takes from the newest allocation first, splitting it (order_per_bit 0)
        fs.write(D + "free", "20");
        assertThat(fs.read(D + "used")).isEqualTo("96\n");
        assertThat(c.allocations()).extracting(a -> a.count()).containsExactly(96L);
        fs.write(D + "free", "1000");
        assertThat(fs.read(D + "used")).isEqualTo("0\n");
        assertThat(fs.read(S + "alloc_pages_success")).isEqualTo("116\n");
        assertThat(fs.read(S + "release_pages_success")).isEqualTo("116\n");
        assertThat(fs.read(S + "total_pages")).isEqualTo("8192\n");
        assertThat(fs.read(S + "available_pages")).isEqualTo("8192\n");
    }

    @Test
    void jcmaListsWhoHoldsEachAllocation() {
        Cma c = m.defaultArea().orElseThrow();
        c.alloc(7, 3, false, "gpu0");
        fs.write(D + "alloc", "5");
        String t = fs.read("/sys/kernel/debug/jcma/cma/reserved/allocations");
        String[] lines = t.split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("pfn").contains("owner", "call_site");
        assertThat(lines[1]).matches(String.format("%#x", c.basePfn()) + " +7 +3 +\\d+ +gpu0 +0 +0 +\\d+ +-");
        assertThat(lines[2]).contains(" 5 ").contains("cma_debug");
    }

    @Test
    void bitmapIsU32WordsInDecimal() {
        fs.write(D + "alloc", "33");
        String[] words = fs.read(D + "bitmap").strip().split(" ");
        assertThat(words).hasSize(8192 / 32);
        assertThat(words[0]).isEqualTo(Long.toString(0xffffffffL));
        assertThat(words[1]).isEqualTo("1");
        assertThat(words[2]).isEqualTo("0");
    }

    @Test
    void bitmapWordsAreTheLowAndHighHalvesOfEachLong() {
        Bitmap bm = new Bitmap(300);
        bm.set(60, 10);
        bm.set(128, 64);
        bm.clear(128, 64);
        String[] w = CmaFs.u32Array(new CmaBitmap(0, 0, 300, bm.toBitSet(300))).strip().split(" ");
        assertThat(w).hasSize(10);
        assertThat(w[1]).isEqualTo(Integer.toUnsignedString(0xf0000000));
        assertThat(w[2]).isEqualTo(Integer.toString(0x3f));
    }

    @Test
    void failedAllocIsEnomemAndCounted() {
        fs.write(D + "alloc", "1");
        assertThat(fails(() -> fs.write(D + "alloc", "8192"))).isEqualTo(Errno.ENOMEM);
        assertThat(fs.read(S + "alloc_pages_fail")).isEqualTo("8192\n");
        assertThat(fs.read("/proc/vmstat")).contains("cma_alloc_fail 1\n").contains("cma_alloc_success 1\n");
    }

    @Test
    void moreThanTheAreaIsEnomemAndUncountedAs69AndLaterTurnItAway() {
        assertThat(fails(() -> fs.write(D + "alloc", "8193"))).isEqualTo(Errno.ENOMEM);
        assertThat(fs.read(S + "alloc_pages_fail")).isEqualTo("0\n");
        assertThat(fs.read("/proc/vmstat")).contains("cma_alloc_fail 0\n");
    }

    @Test
    void aNegativeCountIsAHugeUnsignedOneTurnedAwayUncounted() {
        // 4294967295 and 2^64 - 1 are -1 as cma_alloc_mem()'s int: cma_alloc() reads 2^64 - 1 pages
        for (String v : new String[] {"4294967295", "18446744073709551615", "0x80000000"}) {
            assertThat(fails(() -> fs.write(D + "alloc", v))).as(v).isEqualTo(Errno.ENOMEM);
        }
        assertThat(fs.read(S + "alloc_pages_fail")).isEqualTo("0\n");
        assertThat(fs.read("/proc/vmstat")).contains("cma_alloc_fail 0\n");
        assertThat(m.log().errors()).isEmpty();
        assertThat(fs.read(D + "used")).isEqualTo("0\n");
    }

    @Test
    void badNumbersAreEinval() {
        assertThat(fails(() -> fs.write(D + "alloc", "ten"))).isEqualTo(Errno.EINVAL);
        assertThat(fails(() -> fs.write(D + "alloc", "-1"))).isEqualTo(Errno.EINVAL);
        assertThat(fails(() -> fs.write(D + "free", ""))).isEqualTo(Errno.EINVAL);
        assertThat(m.defaultArea().orElseThrow().used()).isZero();
    }

    @Test
    void numbersAreReadAsKstrtoullReadsThem() {
        fs.write(D + "alloc", "+3\n");
        fs.write(D + "alloc", "010");
        fs.write(D + "alloc", "0x10");
        assertThat(fs.read(D + "used")).isEqualTo((3 + 8 + 16) + "\n");
        for (String bad : new String[] {" 5", "5 ", "++5", "0x+5", "0x", "5\n\n", "08"}) {
            assertThat(fails(() -> fs.write(D + "alloc", bad))).as("'%s'", bad).isEqualTo(Errno.EINVAL);
        }
        assertThat(fails(() -> fs.write(D + "alloc", "18446744073709551616"))).isEqualTo(Errno.ERANGE);
    }

    @Test
    void aNegativeFreeCountFreesEverythingAsTheKernelsUnsignedCompareDoes() {
        fs.write(D + "alloc", "3");
        fs.write(D + "alloc", "5");
        fs.write(D + "free", "4294967295");
        assertThat(fs.read(D + "used")).isEqualTo("0\n");
    }

    @Test
    void suspendingThroughSysPowerStateNeedsEveryCmaAllocationReleased() {
        assertThat(fs.read("/sys/power/state")).isEqualTo("freeze mem\n");
        fs.write(D + "alloc", "3");
        ErrnoException ex = catchThrowableOfType(ErrnoException.class, () -> fs.write("/sys/power/state", "mem"));
        assertThat(ex.errno()).isEqualTo(Errno.EBUSY);
        assertThat(ex.getMessage()).contains("reserved: pfn=").contains("count=3 owner=cma_debug");
        fs.write(D + "free", "3");
        fs.write("/sys/power/state", "mem");
        assertThat(m.log().lines()).containsSubsequence("PM: suspend entry (deep)", "PM: suspend exit");
        fs.write(D + "alloc", "1");
        assertThat(fails(() -> fs.write("/sys/power/state", "disk"))).isEqualTo(Errno.EINVAL);
    }

    @Test
    void readingAWriteOnlyFileOrWritingAReadOnlyOneIsEacces() {
        assertThat(fails(() -> fs.read(D + "alloc"))).isEqualTo(Errno.EACCES);
        assertThat(fails(() -> fs.write(D + "used", "1"))).isEqualTo(Errno.EACCES);
        assertThat(fails(() -> fs.write("/proc/meminfo", "1"))).isEqualTo(Errno.EACCES);
    }

    @Test
    void missingPathsAndDirectoriesHaveTheirErrnos() {
        assertThat(fails(() -> fs.read("/sys/kernel/debug/cma/nope/used"))).isEqualTo(Errno.ENOENT);
        assertThat(fails(() -> fs.read(D))).isEqualTo(Errno.EISDIR);
        assertThat(fails(() -> fs.list(D + "used/x"))).isEqualTo(Errno.ENOTDIR);
    }

    @Test
    void meminfoHasTheKernelsLayout() {
        fs.write(D + "alloc", "256");
        String mi = fs.read("/proc/meminfo");
        assertThat(mi).contains("CmaTotal:          32768 kB\n");
        assertThat(mi).contains("CmaFree:           31744 kB\n");
        assertThat(mi).matches("(?s)MemTotal: +\\d+ kB\n.*");
        for (String line : mi.split("\n")) {
            assertThat(line).matches("[A-Za-z()]+: +\\d+ kB");
            assertThat(line.indexOf(" kB")).isGreaterThanOrEqualTo(24);
        }
    }
}

package io.jcma.dma.internal.debug;

import io.jcma.cma.fs.KernelFs;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;

/**
 * Mirrors dma_debug_fs_init() of kernel/dma/debug.c: /sys/kernel/debug/dma-api/ with
 * error_count (read-only), num_errors and all_errors (u32, read-write), disabled and dump.
 */
public final class DmaDebugFs {
    /** The debugfs directory. */
    public static final String DIR = "/sys/kernel/debug/dma-api/";

    private DmaDebugFs() {
    }

    /** Registers the files of {@code debug} in {@code fs}. */
    public static void register(KernelFs fs, DmaDebugImpl debug) {
        fs.registerFile(DIR + "error_count", () -> debug.errorCount() + "\n", null);
        fs.registerFile(DIR + "num_errors", () -> debug.showNumErrors + "\n", v -> debug.showNumErrors = parseU32(v));
        fs.registerFile(DIR + "all_errors", () -> debug.showAllErrors + "\n", v -> debug.showAllErrors = parseU32(v));
        fs.registerFile(DIR + "disabled", () -> (debug.enabled() ? "N" : "Y") + "\n", null);
        fs.registerFile(DIR + "dump", debug::dump, null);
    }

    /** debugfs_create_u32's write side: EINVAL for anything but a u32. */
    private static long parseU32(String v) {
        try {
            long x = Long.decode(v.strip());
            if (x < 0 || x > 0xffff_ffffL) {
                throw new NumberFormatException();
            }
            return x;
        } catch (NumberFormatException e) {
            throw new ErrnoException(Errno.EINVAL, "value: " + v.strip() + " (expected: u32)");
        }
    }
}

package io.jcma.cli.shell;

import io.jcma.cma.fs.KernelFs;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.kernel.KernelLog;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** A small pseudo filesystem with known files, and an interpreter over it whose output is kept. */
final class Fixture {
    final KernelFs fs = KernelFs.create();
    final KernelLog log = KernelLog.create();
    final List<String> writes = new ArrayList<>();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    final Interpreter sh;
    /** The status of the last {@link #run}. */
    int status;

    Fixture() {
        fs.registerFile("/proc/meminfo", () -> """
                MemTotal:        1048576 kB
                MemFree:          900000 kB
                CmaTotal:          32768 kB
                CmaFree:           32768 kB
                """, null);
        fs.registerFile("/proc/vmstat", () -> "cma_alloc_success 3\ncma_alloc_fail 1\n", null);
        fs.registerFile("/sys/kernel/debug/cma/reserved/alloc", null, v -> {
            if (!v.matches("\\d+")) {
                throw new ErrnoException(Errno.EINVAL, "alloc: " + v);
            }
            writes.add("reserved/alloc=" + v);
        });
        fs.registerFile("/sys/kernel/debug/cma/reserved/used", () -> "100\n", null);
        fs.registerFile("/sys/kernel/debug/cma/reserved/count", () -> "8192\n", null);
        fs.registerFile("/sys/kernel/debug/cma/gpu/used", () -> "7\n", null);
        fs.registerFile("/sys/kernel/debug/cma/gpu/count", () -> "4096\n", null);
        fs.registerFile("/sys/kernel/debug/broken", () -> {
            throw new IllegalStateException("machine closed");
        }, null);
        fs.registerFile("/sys/kernel/mm/cma/reserved/total_pages", () -> "8192\n", v -> writes.add("total=" + v));
        log.info("cma: Reserved 32 MiB at 0x000000003e000000 on node -1");
        sh = new Interpreter(fs, log, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    /** Runs a script; its status. */
    int run(String script) {
        status = sh.run(script);
        return status;
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }
}

package io.jcma.devices.internal;

import io.jcma.cma.kernel.KernelLog;

/** WARN() of include/asm-generic/bug.h: the "cut here" block a kernel warning prints. */
final class KernelWarn {
    /** Stack frames printed after the warning. */
    private static final int FRAMES = 8;

    private KernelWarn() {
    }

    /** WARN(1, message) at {@code site}. */
    static void warn(KernelLog log, String message, String site) {
        log.warn("------------[ cut here ]------------");
        log.warn(message);
        log.warn("WARNING: CPU: 0 PID: 0 at " + site);
        log.warn("---[ end trace 0000000000000000 ]---");
    }

    /** A warning for {@code t}, thrown where the kernel would have oopsed or warned, with its frames. */
    static void warn(KernelLog log, String message, Throwable t) {
        StackTraceElement[] st = t.getStackTrace();
        log.warn("------------[ cut here ]------------");
        log.warn("WARNING: CPU: 0 PID: 0 at " + (st.length > 0 ? st[0] : "-") + ": " + message);
        log.warn(t.toString());
        for (int i = 0; i < Math.min(FRAMES, st.length); i++) {
            log.warn("    at " + st[i]);
        }
        log.warn("---[ end trace 0000000000000000 ]---");
    }
}

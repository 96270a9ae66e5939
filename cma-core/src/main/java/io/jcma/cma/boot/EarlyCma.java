package io.jcma.cma.boot;

import io.jcma.cma.KernelLog;

/**
 * The {@code cma=} early parameter of kernel/dma/contiguous.c: {@code nn[KMG][@start[KMG][-end[KMG]]]}.
 *
 * <p>As in the kernel, parsing never fails loudly on bad syntax: memparse reads what it can
 * ({@code cma=foo} is size 0, no area). {@code @start} without {@code -end} sets the limit to
 * start + size, which makes the area fixed. A later {@code cma=} overwrites the size and,
 * only if it has them, base and limit: the static variables keep the earlier values.
 */
final class EarlyCma {
    /** size_cmdline: -1 until a cma= is seen. */
    long size = -1;
    long base;
    long limit;

    /**
     * early_cma(). {@code value} is null for a bare "cma" (no '='): "Config string not provided"
     * and do_early_param()'s "Malformed early option 'cma'".
     */
    void parse(String value, KernelLog log) {
        if (value == null) {
            log.err("cma: Config string not provided");
            log.warn("Malformed early option 'cma'");
            return;
        }
        Cmdline.Parsed p = Cmdline.memparse(value, 0);
        size = p.value();
        int i = p.end();
        if (i >= value.length() || value.charAt(i) != '@') {
            return;
        }
        p = Cmdline.memparse(value, i + 1);
        base = p.value();
        i = p.end();
        if (i >= value.length() || value.charAt(i) != '-') {
            limit = base + size;
            return;
        }
        limit = Cmdline.memparse(value, i + 1).value();
    }

    boolean given() {
        return size != -1;
    }
}

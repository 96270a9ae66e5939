package io.jcma.cma.boot;

import io.jcma.cma.kernel.KernelLog;

/**
 * The {@code cma=} early parameter of kernel/dma/contiguous.c: {@code nn[KMG][@start[KMG][-end[KMG]]]}.
 *
 * <p>As in the kernel, parsing never fails loudly on bad syntax: memparse reads what it can
 * ({@code cma=foo} is size 0, no area). {@code @start} without {@code -end} sets the limit to
 * start + size, which makes the area fixed. A later {@code cma=} overwrites the size and,
 * only if it has them, base and limit: the static variables keep the earlier values.
 */
final class EarlyCma {
    /** MAX_NUMNODES (1 << CONFIG_NODES_SHIFT, 6 on Debian's x86-64 and arm64 kernels). */
    static final int MAX_NUMNODES = 64;

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

    /** pernuma_size_bytes: {@code cma_pernuma=}. */
    long pernumaSize;
    /** numa_cma_size[]: {@code numa_cma=}. */
    final long[] numaSize = new long[MAX_NUMNODES];

    /** early_cma_pernuma(): memparse, never an error. */
    void parsePernuma(String value) {
        pernumaSize = value == null ? 0 : Cmdline.memparse(value, 0).value();
    }

    /**
     * early_numa_cma(): {@code node:size[,node:size]...}, read until the first item that is not
     * a decimal node below MAX_NUMNODES followed by ':'; what was read before stays.
     */
    void parseNuma(String value) {
        if (value == null) {
            return;
        }
        int i = 0;
        int n = value.length();
        while (i < n) {
            int j = i;
            while (j < n && Character.isDigit(value.charAt(j))) {
                j++;
            }
            if (j == i || j >= n || value.charAt(j) != ':') {
                break;
            }
            long nid;
            try {
                nid = Long.parseLong(value.substring(i, j));
            } catch (NumberFormatException e) {
                break;
            }
            if (nid >= MAX_NUMNODES) {
                break;
            }
            Cmdline.Parsed p = Cmdline.memparse(value, j + 1);
            numaSize[(int) nid] = p.value();
            i = p.end();
            if (i < n && value.charAt(i) == ',') {
                i++;
            } else {
                break;
            }
        }
    }

    boolean given() {
        return size != -1;
    }
}

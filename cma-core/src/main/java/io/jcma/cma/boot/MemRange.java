package io.jcma.cma.boot;

import io.jcma.cma.mm.Mm;

/**
 * A physical range [start, end) with an optional NUMA node, written as /proc/iomem and
 * memblock=debug write ranges: {@code START-END[@NODE]}, END inclusive, hex or decimal
 * ({@code 0x100000-0x3ffdffff@0}).
 */
public record MemRange(long start, long end, int nid) {
    public MemRange {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("range: [" + Mm.pa(start) + ", " + Mm.pa(end) + ") (expected: start < end)");
        }
        if (nid < 0) {
            throw new IllegalArgumentException("nid: " + nid + " (expected: >= 0)");
        }
    }

    public long size() {
        return end - start;
    }

    /**
     * Parses {@code START-END[@NODE]}; sizes with K/M/G suffixes are accepted ("1G-2G" is
     * [1 GiB, 2 GiB + 1 byte) read literally as inclusive, so write "1G-0x7fffffff").
     *
     * @throws IllegalArgumentException naming the bad part
     */
    public static MemRange parse(String text) {
        String s = text.trim();
        int nid = 0;
        int at = s.indexOf('@');
        if (at >= 0) {
            try {
                nid = Integer.parseInt(s.substring(at + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("range: " + text + " (bad node '" + s.substring(at + 1) + "')");
            }
            s = s.substring(0, at);
        }
        int dash = s.indexOf('-');
        if (dash <= 0) {
            throw new IllegalArgumentException("range: " + text + " (expected: START-END[@NODE], END inclusive)");
        }
        long start = number(s.substring(0, dash), text);
        long endIncl = number(s.substring(dash + 1), text);
        if (endIncl < start) {
            throw new IllegalArgumentException("range: " + text + " (expected: END >= START)");
        }
        return new MemRange(start, endIncl + 1, nid);
    }

    /** A size or address: decimal, 0x hex, with an optional K/M/G/T suffix. */
    public static long number(String s, String context) {
        String t = s.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("number: '' in " + context);
        }
        Cmdline.Parsed p = Cmdline.memparse(t, 0);
        int end = p.end();
        if (end < t.length() && (t.charAt(end) == 'B' || t.charAt(end) == 'b') && end == t.length() - 1 && end > 0) {
            end++; // "64MB"
        }
        if (end != t.length() || end == 0) {
            throw new IllegalArgumentException("number: '" + s + "' in " + context + " (expected: decimal or 0x hex, optional K/M/G/T)");
        }
        return p.value();
    }

    @Override
    public String toString() {
        return String.format("[mem %#018x-%#018x]", start, end - 1) + (nid != 0 ? "@" + nid : "");
    }
}

package io.jcma.cli.shell;

import io.jcma.cli.shell.Interpreter.Call;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The coreutils filters kernel developers run on pseudo files: head, tail, wc, sort, cut, uniq;
 * their options, output formats, messages and status (1 on a usage error or an unreadable
 * file) are GNU coreutils 9's.
 */
final class Filters {
    private Filters() {
    }

    static void register(Interpreter sh) {
        sh.define("head", "head [-n N|-N] [-c N] [FILE]...   the first lines", c -> headTail(c, true));
        sh.define("tail", "tail [-n N|-n +N|-N] [-c N] [FILE]...   the last lines", c -> headTail(c, false));
        sh.define("wc", "wc [-lwmc] [FILE]...      count lines, words, bytes", Filters::wc);
        sh.define("sort", "sort [-nrufb] [-t SEP] [-k F[,F]] [FILE]...   sort lines", Sort::sort);
        sh.define("cut", "cut -f LIST [-d DELIM] [-s] | -c LIST [FILE]...   select fields or characters",
                Filters::cut);
        sh.define("uniq", "uniq [-cdui] [FILE]       drop adjacent repeated lines", Filters::uniq);
    }

    static Getopt options(Call c, String optstring, Map<String, Character> longs) {
        try {
            return Getopt.parse(c.args(), optstring, longs, true);
        } catch (Getopt.UsageError e) {
            c.error(e.getMessage());
            c.err().append("Try '").append(c.name()).append(" --help' for more information.\n");
            return null;
        }
    }

    /** The named inputs in order ({@code -} or none: standard input), null entries for unreadable ones. */
    static List<Input> inputs(Call c, List<String> operands) {
        List<Input> in = new ArrayList<>();
        for (String f : operands.isEmpty() ? List.of("-") : operands) {
            in.add(new Input(f, f.equals("-") ? c.stdin() : c.sh().readFile(c, f)));
        }
        return in;
    }

    /** One input: its name as given and its text, null when it could not be read. */
    record Input(String name, String text) {
        boolean stdin() {
            return name.equals("-");
        }

        String label() {
            return stdin() ? "standard input" : name;
        }
    }

    /** head and tail: -n N lines (head -n -N: all but the last N; tail -n +N: from line N), -c N bytes. */
    private static int headTail(Call c, boolean head) {
        List<String> args = new ArrayList<>();
        for (String a : c.args()) {
            boolean value = !args.isEmpty() && List.of("-n", "-c", "--lines", "--bytes").contains(args.getLast());
            args.add(a.matches("-\\d+") && !value ? "-n" + a.substring(1) : a);
        }
        Call cc = new Call(c.name(), args, c.stdin(), c.out(), c.err(), c.sh());
        Getopt g = options(cc, "n:c:qv", Map.of("lines", 'n', "bytes", 'c', "quiet", 'q', "silent", 'q',
                "verbose", 'v'));
        if (g == null) {
            return 1;
        }
        boolean bytes = g.has('c') && (!g.has('n') || lastIs(g, 'c'));
        String spec = bytes ? g.last('c') : g.has('n') ? g.last('n') : "10";
        boolean fromStart = spec.startsWith("+");
        boolean allBut = spec.startsWith("-");
        long n;
        try {
            n = Long.parseLong(fromStart || allBut ? spec.substring(1) : spec);
            if (n < 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            c.error("invalid number of " + (bytes ? "bytes" : "lines") + ": '" + spec + "'");
            return 1;
        }
        List<Input> in = inputs(c, g.operands);
        boolean headers = g.has('v') || (in.size() > 1 && !g.has('q'));
        int st = 0;
        boolean first = true;
        for (Input i : in) {
            if (i.text() == null) {
                st = 1;
                continue;
            }
            if (headers) {
                c.out().append(first ? "" : "\n").append("==> ").append(i.stdin() ? "standard input" : i.name())
                        .append(" <==\n");
            }
            first = false;
            c.out().append(bytes ? cutBytes(i.text(), n, head, fromStart, allBut) : cutLines(i.text(), n, head,
                    fromStart, allBut));
        }
        return st;
    }

    private static boolean lastIs(Getopt g, char c) {
        char last = 0;
        for (Getopt.Opt o : g.opts) {
            if (o.name() == 'n' || o.name() == 'c') {
                last = o.name();
            }
        }
        return last == c;
    }

    /** [from, to) of {@code size} items that head/tail keep: the first n, all but the last n, the last n, or from n. */
    private static int[] window(int size, long n, boolean head, boolean fromStart, boolean allBut) {
        if (head) {
            return new int[] {0, allBut ? (int) Math.max(0, size - n) : (int) Math.min(size, n)};
        }
        return new int[] {fromStart ? (int) Math.min(size, Math.max(0, n - 1)) : (int) Math.max(0, size - n), size};
    }

    private static String cutLines(String text, long n, boolean head, boolean fromStart, boolean allBut) {
        List<String> lines = new ArrayList<>();
        int from = 0;
        while (from < text.length()) {
            int nl = text.indexOf('\n', from);
            int end = nl < 0 ? text.length() : nl + 1;
            lines.add(text.substring(from, end));
            from = end;
        }
        int[] w = window(lines.size(), n, head, fromStart, allBut);
        return String.join("", lines.subList(w[0], w[1]));
    }

    private static String cutBytes(String text, long n, boolean head, boolean fromStart, boolean allBut) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int[] w = window(b.length, n, head, fromStart, allBut);
        return new String(b, w[0], w[1] - w[0], StandardCharsets.UTF_8);
    }

    private static int wc(Call c) {
        Getopt g = options(c, "lwcm", Map.of("lines", 'l', "words", 'w', "bytes", 'c', "chars", 'm'));
        if (g == null) {
            return 1;
        }
        boolean all = !g.has('l') && !g.has('w') && !g.has('c') && !g.has('m');
        boolean[] show = {all || g.has('l'), all || g.has('w'), g.has('m'), all || g.has('c')};
        List<Input> in = inputs(c, g.operands);
        List<long[]> rows = new ArrayList<>();
        long[] total = new long[4];
        int st = 0;
        boolean anyStdin = false;
        for (Input i : in) {
            anyStdin |= i.stdin();
            if (i.text() == null) {
                st = 1;
                rows.add(null);
                continue;
            }
            String t = i.text();
            long[] r = {t.chars().filter(ch -> ch == '\n').count(), words(t), t.codePointCount(0, t.length()),
                    t.getBytes(StandardCharsets.UTF_8).length};
            for (int k = 0; k < 4; k++) {
                total[k] += r[k];
            }
            rows.add(r);
        }
        int fields = 0;
        for (boolean s : show) {
            fields += s ? 1 : 0;
        }
        // GNU: width 1 for one field; else the digits of the regular files' total size (0 for
        // pseudo files), at least 7 when standard input is counted
        int width = fields == 1 ? 1 : anyStdin ? 7 : 1;
        for (int k = 0; k < in.size(); k++) {
            if (rows.get(k) != null) {
                line(c.out(), rows.get(k), show, width, in.get(k).stdin() ? null : in.get(k).name());
            }
        }
        if (in.size() > 1) {
            line(c.out(), total, show, width, "total");
        }
        return st;
    }

    private static void line(StringBuilder out, long[] r, boolean[] show, int width, String name) {
        List<String> cols = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            if (show[k]) {
                cols.add(String.format("%" + width + "d", r[k]));
            }
        }
        if (name != null) {
            cols.add(name);
        }
        out.append(String.join(" ", cols)).append('\n');
    }

    private static long words(String t) {
        long n = 0;
        boolean in = false;
        for (int k = 0; k < t.length(); k++) {
            boolean space = Character.isWhitespace(t.charAt(k));
            if (!space && !in) {
                n++;
            }
            in = !space;
        }
        return n;
    }

    private static int cut(Call c) {
        Getopt g = options(c, "b:c:f:d:s", Map.of("bytes", 'b', "characters", 'c', "fields", 'f', "delimiter", 'd',
                "only-delimited", 's'));
        if (g == null) {
            return 1;
        }
        int kinds = (g.has('b') ? 1 : 0) + (g.has('c') ? 1 : 0) + (g.has('f') ? 1 : 0);
        if (kinds == 0) {
            c.error("you must specify a list of bytes, characters, or fields");
            c.err().append("Try 'cut --help' for more information.\n");
            return 1;
        }
        if (kinds > 1) {
            c.error("only one type of list may be specified");
            c.err().append("Try 'cut --help' for more information.\n");
            return 1;
        }
        boolean fields = g.has('f');
        String delim = g.has('d') ? g.last('d') : "\t";
        if (delim.length() != 1) {
            c.error("the delimiter must be a single character");
            c.err().append("Try 'cut --help' for more information.\n");
            return 1;
        }
        if (!fields && (g.has('d') || g.has('s'))) {
            c.error("an input delimiter may be specified only when operating on fields");
            c.err().append("Try 'cut --help' for more information.\n");
            return 1;
        }
        List<long[]> ranges;
        try {
            ranges = ranges(fields ? g.last('f') : g.has('c') ? g.last('c') : g.last('b'), fields);
        } catch (IllegalArgumentException e) {
            c.error(e.getMessage());
            c.err().append("Try 'cut --help' for more information.\n");
            return 1;
        }
        int st = 0;
        for (Input i : inputs(c, g.operands)) {
            if (i.text() == null) {
                st = 1;
                continue;
            }
            for (String line : Grep.lines(i.text())) {
                if (fields) {
                    if (!line.contains(delim)) {
                        if (!g.has('s')) {
                            c.out().append(line).append('\n');
                        }
                        continue;
                    }
                    String[] f = line.split(java.util.regex.Pattern.quote(delim), -1);
                    List<String> sel = new ArrayList<>();
                    for (int k = 0; k < f.length; k++) {
                        if (selected(ranges, k + 1)) {
                            sel.add(f[k]);
                        }
                    }
                    c.out().append(String.join(delim, sel)).append('\n');
                } else {
                    StringBuilder sb = new StringBuilder();
                    int[] cps = line.codePoints().toArray();
                    for (int k = 0; k < cps.length; k++) {
                        if (selected(ranges, k + 1)) {
                            sb.appendCodePoint(cps[k]);
                        }
                    }
                    c.out().append(sb).append('\n');
                }
            }
        }
        return st;
    }

    private static boolean selected(List<long[]> ranges, long pos) {
        for (long[] r : ranges) {
            if (pos >= r[0] && pos <= r[1]) {
                return true;
            }
        }
        return false;
    }

    /** A cut LIST: N, N-M, N-, -M, comma-separated, numbered from 1. */
    static List<long[]> ranges(String list, boolean fields) {
        String what = fields ? "field" : "byte/character position";
        List<long[]> out = new ArrayList<>();
        for (String part : list.split(",", -1)) {
            if (part.isEmpty() || part.equals("-")) {
                throw new IllegalArgumentException("invalid range with no endpoint: " + part);
            }
            int dash = part.indexOf('-');
            try {
                long a = dash == 0 ? 1 : Long.parseLong(dash < 0 ? part : part.substring(0, dash));
                long b = dash < 0 ? a : dash == part.length() - 1 ? Long.MAX_VALUE : Long.parseLong(part.substring(dash + 1));
                if (a == 0 || b == 0) {
                    throw new IllegalArgumentException((fields ? "fields" : "byte/character positions")
                            + " are numbered from 1");
                }
                if (a > b) {
                    throw new IllegalArgumentException("invalid decreasing range");
                }
                out.add(new long[] {a, b});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid " + what + " value '" + part + "'");
            }
        }
        return out;
    }

    private static int uniq(Call c) {
        Getopt g = options(c, "cdui", Map.of("count", 'c', "repeated", 'd', "unique", 'u', "ignore-case", 'i'));
        if (g == null) {
            return 1;
        }
        if (g.operands.size() > 1) {
            c.error("extra operand '" + g.operands.get(1) + "'");
            c.err().append("Try 'uniq --help' for more information.\n");
            return 1;
        }
        Input in = inputs(c, g.operands).getFirst();
        if (in.text() == null) {
            return 1;
        }
        Comparator<String> eq = g.has('i') ? String.CASE_INSENSITIVE_ORDER : Comparator.naturalOrder();
        List<String> lines = Grep.lines(in.text());
        for (int k = 0; k < lines.size(); ) {
            int j = k + 1;
            while (j < lines.size() && eq.compare(lines.get(j), lines.get(k)) == 0) {
                j++;
            }
            int n = j - k;
            if ((!g.has('d') || n > 1) && (!g.has('u') || n == 1)) {
                c.out().append(g.has('c') ? String.format("%7d ", n) : "").append(lines.get(k)).append('\n');
            }
            k = j;
        }
        return 0;
    }
}

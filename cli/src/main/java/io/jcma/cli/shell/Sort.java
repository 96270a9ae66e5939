package io.jcma.cli.shell;

import io.jcma.cli.shell.Filters.Input;
import io.jcma.cli.shell.Interpreter.Call;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * sort as GNU coreutils sorts in the C locale: lines compared by their keys ({@code -k
 * F[.C][nrfb][,F[.C][nrfb]]}, fields split at blank-to-nonblank transitions, or at {@code -t
 * SEP}), then by the whole line as a last resort (not with {@code -u}, which keeps the first
 * line of each run of equal keys); {@code -n} numeric (a leading number, else 0), {@code -r}
 * reversed, {@code -f} folding case, {@code -b} ignoring leading blanks.
 */
final class Sort {
    private Sort() {
    }

    /** A key: fields {@code startField.startChar} to {@code endField.endChar} (0 = to the end), with flags. */
    private record Key(int startField, int startChar, int endField, int endChar, boolean numeric, boolean reverse,
                       boolean fold, boolean blanks) {
    }

    static int sort(Call c) {
        Getopt g = Filters.options(c, "nrufbt:k:s", Map.of("numeric-sort", 'n', "reverse", 'r', "unique", 'u',
                "ignore-case", 'f', "ignore-leading-blanks", 'b', "field-separator", 't', "key", 'k', "stable", 's'));
        if (g == null) {
            return 2;
        }
        String sep = g.last('t');
        if (sep != null && sep.length() != 1) {
            c.error("multi-character tab '" + sep + "'");
            return 2;
        }
        boolean n = g.has('n');
        boolean f = g.has('f');
        boolean b = g.has('b');
        List<Key> keys = new ArrayList<>();
        for (String k : g.all('k')) {
            try {
                keys.add(key(k, n, f, b));
            } catch (IllegalArgumentException e) {
                c.error(e.getMessage());
                return 2;
            }
        }
        boolean defaultKey = keys.isEmpty();
        if (defaultKey) {
            keys.add(new Key(1, 1, 0, 0, n, false, f, b));
        }
        List<String> lines = new ArrayList<>();
        int st = 0;
        for (Input i : Filters.inputs(c, g.operands)) {
            if (i.text() == null) {
                st = 2;
                continue;
            }
            lines.addAll(Grep.lines(i.text()));
        }
        if (st != 0) {
            return st;
        }
        Character tab = sep == null ? null : sep.charAt(0);
        Comparator<String> byKeys = (x, y) -> {
            for (Key k : keys) {
                String kx = defaultKey ? x : extract(x, k, tab);
                String ky = defaultKey ? y : extract(y, k, tab);
                int r = compare(kx, ky, k);
                if (r != 0) {
                    return k.reverse() ? -r : r;
                }
            }
            return 0;
        };
        boolean lastResort = !g.has('u') && !g.has('s');
        Comparator<String> cmp = lastResort ? byKeys.thenComparing(Comparator.naturalOrder()) : byKeys;
        if (g.has('r')) {
            cmp = cmp.reversed();
        }
        lines.sort(cmp);
        String prev = null;
        for (String l : lines) {
            if (g.has('u') && prev != null && byKeys.compare(prev, l) == 0) {
                continue;
            }
            c.out().append(l).append('\n');
            prev = l;
        }
        return 0;
    }

    private static Key key(String spec, boolean n, boolean f, boolean b) {
        String[] ends = spec.split(",", -1);
        if (ends.length > 2 || ends[0].isEmpty()) {
            throw new IllegalArgumentException("invalid number at field start: invalid count at start of '" + spec + "'");
        }
        int[] start = position(ends[0], spec, true);
        int[] end = ends.length == 2 ? position(ends[1], spec, false) : new int[] {0, 0};
        String flags = flags(ends[0]) + (ends.length == 2 ? flags(ends[1]) : "");
        boolean any = !flags.isEmpty();
        return new Key(start[0], start[1], end[0], end[1], any ? flags.indexOf('n') >= 0 : n,
                flags.indexOf('r') >= 0, any ? flags.indexOf('f') >= 0 : f, any ? flags.indexOf('b') >= 0 : b);
    }

    private static String flags(String pos) {
        return pos.replaceAll("^[0-9.]*", "");
    }

    private static int[] position(String pos, String spec, boolean start) {
        String num = pos.replaceAll("[a-zA-Z]+$", "");
        if (!flags(pos).matches("[nrfb]*")) {
            throw new IllegalArgumentException("stray character in field spec: invalid field specification '" + spec
                    + "'");
        }
        String[] fc = num.split("\\.", -1);
        try {
            int field = Integer.parseInt(fc[0]);
            int ch = fc.length > 1 ? Integer.parseInt(fc[1]) : 0;
            if (field == 0 || (start && fc.length > 1 && ch == 0)) {
                throw new IllegalArgumentException((field == 0 ? "field number is zero" : "character offset is zero")
                        + ": invalid field specification '" + spec + "'");
            }
            return new int[] {field, start && ch == 0 ? 1 : ch};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid number at field start: invalid count at start of '" + spec
                    + "'");
        }
    }

    /** The text of key {@code k} in {@code line}. */
    private static String extract(String line, Key k, Character tab) {
        List<int[]> fields = fields(line, tab);
        if (k.startField() > fields.size()) {
            return "";
        }
        int[] sf = fields.get(k.startField() - 1);
        int from = sf[0];
        if (k.blanks()) {
            while (from < sf[1] && Character.isWhitespace(line.charAt(from))) {
                from++;
            }
        }
        from = Math.min(sf[1], from + k.startChar() - 1);
        int to;
        if (k.endField() == 0 || k.endField() > fields.size()) {
            to = line.length();
        } else {
            int[] ef = fields.get(k.endField() - 1);
            to = k.endChar() == 0 ? ef[1] : Math.min(ef[1], ef[0] + k.endChar());
        }
        return to <= from ? "" : line.substring(from, to);
    }

    /** [start, end) of each field: runs of blanks then non-blanks, or the text between tabs. */
    private static List<int[]> fields(String line, Character tab) {
        List<int[]> out = new ArrayList<>();
        if (tab != null) {
            int from = 0;
            while (true) {
                int at = line.indexOf(tab, from);
                out.add(new int[] {from, at < 0 ? line.length() : at});
                if (at < 0) {
                    return out;
                }
                from = at + 1;
            }
        }
        int i = 0;
        while (i < line.length()) {
            int from = i;
            while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            out.add(new int[] {from, i});
        }
        return out;
    }

    private static int compare(String x, String y, Key k) {
        if (k.numeric()) {
            return Double.compare(number(x), number(y));
        }
        String a = k.blanks() ? x.stripLeading() : x;
        String b = k.blanks() ? y.stripLeading() : y;
        return k.fold() ? a.toUpperCase(java.util.Locale.ROOT).compareTo(b.toUpperCase(java.util.Locale.ROOT))
                : a.compareTo(b);
    }

    /** The leading number of {@code s} (blanks skipped, optional '-', digits, '.', digits), else 0. */
    static double number(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        int from = i;
        if (i < s.length() && s.charAt(i) == '-') {
            i++;
        }
        int digits = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i < s.length() && s.charAt(i) == '.') {
            i++;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
        }
        String num = s.substring(from, i);
        if (i == digits || num.equals("-") || num.equals(".") || num.equals("-.")) {
            return 0;
        }
        return Double.parseDouble(num);
    }
}

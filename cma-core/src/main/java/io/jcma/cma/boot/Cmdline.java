package io.jcma.cma.boot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A kernel command line split into parameters the way parse_args() / next_arg() split it:
 * whitespace separates, double quotes group ({@code param="a b"}), the first '=' separates name
 * from value, and "--" ends the kernel's part.
 */
public final class Cmdline {
    /** One parameter; {@code value} is null for a bare word ("quiet"), "" for "cma=". */
    public record Param(String name, String value) {
        @Override
        public String toString() {
            return value == null ? name : name + "=" + value;
        }
    }

    private final String text;
    private final List<Param> params;

    private Cmdline(String text, List<Param> params) {
        this.text = text;
        this.params = params;
    }

    public static Cmdline parse(String text) {
        String s = text == null ? "" : text;
        List<Param> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            StringBuilder word = new StringBuilder();
            boolean quoted = false;
            int eq = -1;
            while (i < n && (quoted || !Character.isWhitespace(s.charAt(i)))) {
                char c = s.charAt(i++);
                if (c == '"') {
                    quoted = !quoted;
                    continue;
                }
                if (c == '=' && eq < 0) {
                    eq = word.length();
                }
                word.append(c);
            }
            String w = word.toString();
            if (w.equals("--")) {
                break;
            }
            if (eq < 0) {
                out.add(new Param(w, null));
            } else {
                out.add(new Param(w.substring(0, eq), w.substring(eq + 1)));
            }
        }
        return new Cmdline(s, Collections.unmodifiableList(out));
    }

    public String text() {
        return text;
    }

    public List<Param> params() {
        return params;
    }

    /** The parameters named {@code name}, in order. */
    public List<Param> all(String name) {
        return params.stream().filter(p -> parameq(p.name(), name)).toList();
    }

    public boolean has(String name) {
        return params.stream().anyMatch(p -> parameq(p.name(), name));
    }

    /** parameq(): parameter names match with '-' and '_' taken as the same character. */
    public static boolean parameq(String a, String b) {
        return a.replace('-', '_').equals(b.replace('-', '_'));
    }

    /** The result of {@link #memparse}: the value and the index just after what was read. */
    public record Parsed(long value, int end) {
    }

    /**
     * memparse(): a number in C notation (0x hex, leading 0 octal, else decimal) followed by an
     * optional K, M, G, T, P or E suffix (any case), read from {@code s} at {@code from}. Reads
     * nothing (value 0) where no digit is; never fails, as the kernel's never does.
     */
    public static Parsed memparse(String s, int from) {
        int i = from;
        int n = s.length();
        int base = 10;
        if (i < n && s.charAt(i) == '0') {
            if (i + 2 < n && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X') && Character.digit(s.charAt(i + 2), 16) >= 0) {
                base = 16;
                i += 2;
            } else {
                base = 8;
            }
        }
        long v = 0;
        while (i < n) {
            int d = Character.digit(s.charAt(i), base);
            if (d < 0 || s.charAt(i) > 'z') {
                break;
            }
            v = v * base + d; // wraps on overflow, as simple_strtoull does
            i++;
        }
        if (i < n) {
            int shift = switch (s.charAt(i)) {
                case 'E', 'e' -> 60;
                case 'P', 'p' -> 50;
                case 'T', 't' -> 40;
                case 'G', 'g' -> 30;
                case 'M', 'm' -> 20;
                case 'K', 'k' -> 10;
                default -> 0;
            };
            if (shift != 0) {
                v <<= shift;
                i++;
            }
        }
        return new Parsed(v, i);
    }

    @Override
    public String toString() {
        return text;
    }
}

package io.jcma.cli.shell;

import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * POSIX regular expressions (XBD 9) as GNU grep reads them, translated to java.util.regex.
 * Basic (BRE): {@code \( \) \{ \} \| \+ \?} are operators and their bare forms literal; a
 * leading {@code *} is literal. Extended (ERE, {@code -E}): the bare forms are operators. Both:
 * bracket expressions with POSIX classes ({@code [[:digit:]]}), {@code ]} first in a bracket is
 * literal and a backslash in one is too; GNU's {@code \< \> \b \w \W \s \S} and back-references.
 */
final class PosixRegex {
    private PosixRegex() {
    }

    /** A pattern grep cannot compile, with GNU grep's message. */
    static final class BadPattern extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadPattern(String message) {
            super(message);
        }
    }

    private static final Map<String, String> CLASSES = Map.ofEntries(
            Map.entry("alpha", "\\p{Alpha}"), Map.entry("digit", "0-9"), Map.entry("alnum", "\\p{Alnum}"),
            Map.entry("upper", "\\p{Upper}"), Map.entry("lower", "\\p{Lower}"), Map.entry("space", "\\s\\x0B"),
            Map.entry("blank", " \\t"), Map.entry("punct", "\\p{Punct}"), Map.entry("print", "\\p{Print}"),
            Map.entry("graph", "\\p{Graph}"), Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("xdigit", "0-9A-Fa-f"));

    /** The java.util.regex source of a POSIX pattern. */
    static String toJava(String p, boolean extended) {
        StringBuilder re = new StringBuilder();
        int depth = 0;
        boolean atStart = true; // where a '*' is literal: start of pattern, after ( or |
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            boolean start = atStart;
            atStart = false;
            if (c == '\\') {
                if (i + 1 >= p.length()) {
                    throw new BadPattern("Trailing backslash");
                }
                char n = p.charAt(++i);
                if (!extended && "(){}|+?".indexOf(n) >= 0) {
                    re.append(n);
                    if (n == '(') {
                        depth++;
                        atStart = true;
                    } else if (n == ')') {
                        depth--;
                        if (depth < 0) {
                            throw new BadPattern("Unmatched ) or \\)");
                        }
                    } else if (n == '|') {
                        atStart = true;
                    }
                } else if (n == '<') {
                    re.append("\\b(?=\\w)");
                } else if (n == '>') {
                    re.append("\\b(?<=\\w)");
                } else if ("bBwWsS".indexOf(n) >= 0 || Character.isDigit(n)) {
                    re.append('\\').append(n);
                } else {
                    re.append(literal(n));
                }
            } else if (c == '[') {
                i = bracket(p, i, re);
            } else if (c == '*') {
                re.append(start ? "\\*" : "*");
            } else if ("(){}|+?".indexOf(c) >= 0) {
                if (!extended) {
                    re.append('\\').append(c);
                } else {
                    if (c == '(') {
                        depth++;
                        atStart = true;
                    } else if (c == ')') {
                        if (--depth < 0) {
                            throw new BadPattern("Unmatched ) or \\)");
                        }
                    } else if (c == '|') {
                        atStart = true;
                    } else if (c == '{' && !interval(p, i)) {
                        re.append("\\{");
                        continue;
                    } else if ((c == '+' || c == '?') && start) {
                        re.append('\\');
                    }
                    re.append(c);
                }
            } else if (c == '^') {
                re.append(start || extended ? "^" : "\\^");
                atStart = start;
            } else if (c == '$') {
                boolean end = i == p.length() - 1 || (!extended && p.startsWith("\\)", i + 1))
                        || (!extended && p.startsWith("\\|", i + 1)) || (extended && (i + 1 < p.length()
                        && (p.charAt(i + 1) == ')' || p.charAt(i + 1) == '|')));
                re.append(end || extended ? "$" : "\\$");
            } else if (c == '.') {
                re.append('.');
            } else {
                re.append(literal(c));
            }
        }
        if (depth > 0) {
            throw new BadPattern("Unmatched ( or \\(");
        }
        return re.toString();
    }

    /** One character matched as itself: a backslash before any non-alphanumeric is literal in Java. */
    private static String literal(char c) {
        return Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c;
    }

    private static boolean interval(String p, int i) {
        int end = p.indexOf('}', i);
        return end > i + 1 && p.substring(i + 1, end).matches("\\d*(,\\d*)?");
    }

    /** Translates the bracket expression at {@code p[i] == '['}; returns the index of its ']'. */
    private static int bracket(String p, int i, StringBuilder re) {
        int k = i + 1;
        StringBuilder set = new StringBuilder("[");
        if (k < p.length() && p.charAt(k) == '^') {
            set.append('^');
            k++;
        }
        boolean first = true;
        boolean hasItem = false;
        while (true) {
            if (k >= p.length()) {
                throw new BadPattern("Unmatched [, [^, [:, [., or [=");
            }
            char c = p.charAt(k);
            if (c == ']' && !first) {
                break;
            }
            first = false;
            if (c == '[' && k + 1 < p.length() && p.charAt(k + 1) == ':') {
                int end = p.indexOf(":]", k + 2);
                if (end < 0) {
                    throw new BadPattern("Unmatched [, [^, [:, [., or [=");
                }
                String cls = CLASSES.get(p.substring(k + 2, end));
                if (cls == null) {
                    throw new BadPattern("Invalid character class name");
                }
                set.append(cls);
                hasItem = true;
                k = end + 2;
                continue;
            }
            if (c == '-' && hasItem && k + 1 < p.length() && p.charAt(k + 1) != ']') {
                set.append('-');
                hasItem = false;
            } else if ("\\[]&^-".indexOf(c) >= 0) {
                set.append('\\').append(c);
            } else {
                set.append(c);
            }
            hasItem = hasItem || c != '-';
            k++;
        }
        re.append(set).append(']');
        return k;
    }

    /**
     * Compiles {@code p} as grep would.
     *
     * @throws BadPattern with GNU grep's message
     */
    static Pattern compile(String p, boolean extended, boolean fixed, boolean ignoreCase, boolean word, boolean line) {
        String src = fixed ? Pattern.quote(p) : toJava(p, extended);
        if (word) {
            src = "(?<![\\w])(?:" + src + ")(?![\\w])";
        }
        if (line) {
            src = "^(?:" + src + ")$";
        }
        try {
            return Pattern.compile(src, ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
        } catch (PatternSyntaxException e) {
            throw new BadPattern(e.getDescription().startsWith("Unclosed character class")
                    ? "Unmatched [, [^, [:, [., or [=" : "Invalid regular expression");
        }
    }
}

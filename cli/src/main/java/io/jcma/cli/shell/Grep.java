package io.jcma.cli.shell;

import io.jcma.cli.shell.Interpreter.Call;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * grep as GNU grep 3 behaves: basic regular expressions by default, {@code -E} extended,
 * {@code -F} fixed strings; {@code -i -v -w -x -c -n -l -q -o -h -H -s -m N -e PATTERN}; several
 * patterns (each {@code -e}, or one per line); file names before lines when more than one file
 * is searched. Status 0 when a line is selected, 1 when none is, 2 on an error (a bad pattern, an
 * unreadable file) unless {@code -q} selected one.
 */
final class Grep {
    private Grep() {
    }

    private static final String STDIN = "(standard input)";

    private static final Map<String, Character> LONG = Map.ofEntries(
            Map.entry("ignore-case", 'i'), Map.entry("invert-match", 'v'), Map.entry("count", 'c'),
            Map.entry("extended-regexp", 'E'), Map.entry("fixed-strings", 'F'), Map.entry("basic-regexp", 'G'),
            Map.entry("word-regexp", 'w'), Map.entry("line-regexp", 'x'), Map.entry("line-number", 'n'),
            Map.entry("quiet", 'q'), Map.entry("silent", 'q'), Map.entry("files-with-matches", 'l'),
            Map.entry("no-filename", 'h'), Map.entry("with-filename", 'H'), Map.entry("no-messages", 's'),
            Map.entry("only-matching", 'o'), Map.entry("regexp", 'e'), Map.entry("max-count", 'm'));

    static void register(Interpreter sh) {
        sh.define("grep", "grep [-ivcwxnlqoEF] [-e] PATTERN [FILE]...   print lines that match", Grep::grep);
        sh.define("egrep", "egrep ...                 grep -E", c -> grep(new Call("grep", prepend("-E", c.args()),
                c.stdin(), c.out(), c.err(), c.sh())));
        sh.define("fgrep", "fgrep ...                 grep -F", c -> grep(new Call("grep", prepend("-F", c.args()),
                c.stdin(), c.out(), c.err(), c.sh())));
    }

    private static List<String> prepend(String a, List<String> args) {
        List<String> l = new ArrayList<>(args.size() + 1);
        l.add(a);
        l.addAll(args);
        return l;
    }

    private static int usage(Call c, String message) {
        if (message != null) {
            c.error(message);
        }
        c.err().append("Usage: grep [OPTION]... PATTERNS [FILE]...\n")
                .append("Try 'grep --help' for more information.\n");
        return 2;
    }

    static int grep(Call c) {
        Getopt g;
        try {
            g = Getopt.parse(c.args(), "ivcEFGwxnqlhHsoe:m:", LONG, true);
        } catch (Getopt.UsageError e) {
            return usage(c, e.getMessage());
        }
        List<String> operands = new ArrayList<>(g.operands);
        List<String> sources = new ArrayList<>();
        if (g.has('e')) {
            sources.addAll(g.all('e'));
        } else if (operands.isEmpty()) {
            return usage(c, null);
        } else {
            sources.add(operands.removeFirst());
        }
        long max = Long.MAX_VALUE;
        if (g.has('m')) {
            try {
                max = Long.parseLong(g.last('m'));
            } catch (NumberFormatException e) {
                c.error("invalid max count");
                return 2;
            }
        }
        List<Pattern> patterns = new ArrayList<>();
        try {
            for (String src : sources) {
                for (String p : src.split("\n", -1)) {
                    patterns.add(PosixRegex.compile(p, g.has('E') && !g.has('G'), g.has('F'), g.has('i'), g.has('w'),
                            g.has('x')));
                }
            }
        } catch (PosixRegex.BadPattern e) {
            c.error(e.getMessage());
            return 2;
        }
        boolean names = g.has('H') || (operands.size() > 1 && !g.has('h'));
        if (operands.isEmpty()) {
            operands.add("-");
        }
        boolean selected = false;
        boolean error = false;
        for (String f : operands) {
            String text = f.equals("-") ? c.stdin() : read(c, f, g.has('s'));
            if (text == null) {
                error = true;
                continue;
            }
            String label = f.equals("-") ? STDIN : f;
            long n = search(text, patterns, g, names ? label : null, max, c.out());
            selected |= n > 0;
            if (g.has('q') && selected) {
                return 0;
            }
            if (g.has('c')) {
                c.out().append(names ? label + ":" : "").append(n).append('\n');
            } else if (g.has('l') && n > 0) {
                c.out().append(label).append('\n');
            }
        }
        if (error) {
            return 2;
        }
        return selected ? 0 : 1;
    }

    private static String read(Call c, String f, boolean quiet) {
        if (quiet) {
            return c.sh().readFile(new Call(c.name(), c.args(), c.stdin(), c.out(), new StringBuilder(), c.sh()), f);
        }
        return c.sh().readFile(c, f);
    }

    /** Prints the selected lines of {@code text} (unless -c, -l or -q) and returns how many there were. */
    private static long search(String text, List<Pattern> patterns, Getopt g, String label, long max, StringBuilder out) {
        boolean invert = g.has('v');
        boolean print = !g.has('c') && !g.has('l') && !g.has('q');
        long n = 0;
        int lineNo = 0;
        for (String line : lines(text)) {
            lineNo++;
            if (n >= max) {
                break;
            }
            boolean match = false;
            for (Pattern p : patterns) {
                if (p.matcher(line).find()) {
                    match = true;
                    break;
                }
            }
            if (match == invert) {
                continue;
            }
            n++;
            if (!print) {
                if (g.has('l')) {
                    break;
                }
                continue;
            }
            String prefix = (label != null ? label + ":" : "") + (g.has('n') ? lineNo + ":" : "");
            if (g.has('o') && !invert) {
                for (Pattern p : patterns) {
                    Matcher m = p.matcher(line);
                    while (m.find()) {
                        if (m.end() > m.start()) {
                            out.append(prefix).append(m.group()).append('\n');
                        }
                    }
                }
            } else {
                out.append(prefix).append(line).append('\n');
            }
        }
        return n;
    }

    /** The lines of a text; a last line without its newline is a line, an empty text has none. */
    static List<String> lines(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        String t = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        return List.of(t.split("\n", -1));
    }
}

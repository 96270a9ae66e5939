package io.jcma.cli.shell;

import io.jcma.cli.shell.Lexer.Word;
import io.jcma.cma.fs.KernelFs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Pathname expansion (XCU 2.13) over the pseudo filesystems: unquoted {@code *}, {@code ?} and
 * {@code [...]} ({@code [!...]} negates) match names one path component at a time; matches are
 * sorted; a pattern that matches nothing stays as it is, as sh leaves it.
 */
final class Glob {
    private Glob() {
    }

    /** The words {@code w} expands to: itself, or the sorted paths its pattern matches. */
    static List<String> expand(KernelFs fs, Interpreter sh, Word w) {
        String text = w.text();
        if (!hasMagic(w)) {
            return List.of(text);
        }
        boolean absolute = text.startsWith("/");
        List<String> comps = new ArrayList<>();
        List<Pattern> pats = new ArrayList<>();
        int start = absolute ? 1 : 0;
        for (int k = start; k <= text.length(); k++) {
            if (k == text.length() || text.charAt(k) == '/') {
                if (k > start) {
                    comps.add(text.substring(start, k));
                    pats.add(hasMagic(w, start, k) ? compile(w, start, k) : null);
                }
                start = k + 1;
            }
        }
        List<String> found = new ArrayList<>();
        walk(fs, absolute ? "/" : sh.cwd(), absolute ? "/" : "", comps, pats, 0, found);
        if (found.isEmpty()) {
            return List.of(text);
        }
        return found.stream().sorted().toList();
    }

    private static void walk(KernelFs fs, String dir, String shown, List<String> comps, List<Pattern> pats, int k,
                             List<String> found) {
        if (k == comps.size()) {
            found.add(shown.length() > 1 && shown.endsWith("/") ? shown.substring(0, shown.length() - 1) : shown);
            return;
        }
        boolean lastComp = k == comps.size() - 1;
        List<String> names;
        if (pats.get(k) == null) {
            names = List.of(comps.get(k));
        } else {
            if (!fs.isDirectory(dir)) {
                return;
            }
            names = fs.list(dir).stream().filter(n -> pats.get(k).matcher(n).matches()).toList();
        }
        for (String n : names) {
            String path = Interpreter.normalize(dir + "/" + n);
            if (!fs.exists(path) || (!lastComp && !fs.isDirectory(path))) {
                continue;
            }
            walk(fs, path, shown + n + (lastComp ? "" : "/"), comps, pats, k + 1, found);
        }
    }

    static boolean hasMagic(Word w) {
        return hasMagic(w, 0, w.text().length());
    }

    private static boolean hasMagic(Word w, int from, int to) {
        for (int k = from; k < to; k++) {
            char c = w.text().charAt(k);
            if ((c == '*' || c == '?' || c == '[') && !w.isQuoted(k)) {
                return true;
            }
        }
        return false;
    }

    private static Pattern compile(Word w, int from, int to) {
        String t = w.text();
        StringBuilder re = new StringBuilder();
        for (int k = from; k < to; k++) {
            char c = t.charAt(k);
            if (w.isQuoted(k)) {
                re.append(Pattern.quote(String.valueOf(c)));
            } else if (c == '*') {
                re.append("[^/]*");
            } else if (c == '?') {
                re.append("[^/]");
            } else if (c == '[' && t.indexOf(']', k + 2) > 0 && t.indexOf(']', k + 2) < to) {
                int end = t.indexOf(']', k + 2);
                String set = t.substring(k + 1, end);
                boolean neg = set.startsWith("!") || set.startsWith("^");
                if (neg) {
                    set = set.substring(1);
                }
                re.append(neg ? "[^" : "[");
                for (char s : set.toCharArray()) {
                    if ("\\[]&^".indexOf(s) >= 0) {
                        re.append('\\');
                    }
                    re.append(s);
                }
                re.append(']');
                k = end;
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}

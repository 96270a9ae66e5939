package io.jcma.cli.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * getopt(3) as GNU's: short options from an option string ({@code "n:"}: -n takes an argument,
 * given as {@code -n5} or {@code -n 5}), clustered flags ({@code -inv}), long options mapped to
 * short ones ({@code --count=3}, {@code --count 3}), operands and options in any order until
 * {@code --}. A lone {@code -} is an operand (standard input).
 */
final class Getopt {
    /** One option as given; {@code arg} is null for a flag. */
    record Opt(char name, String arg) {
    }

    /** A command line the options cannot parse, with GNU getopt's message. */
    static final class UsageError extends Exception {
        private static final long serialVersionUID = 1L;

        UsageError(String message) {
            super(message);
        }
    }

    final List<Opt> opts = new ArrayList<>();
    final List<String> operands = new ArrayList<>();

    private Getopt() {
    }

    boolean has(char c) {
        return opts.stream().anyMatch(o -> o.name() == c);
    }

    /** The argument of the last {@code -c}, or null. */
    String last(char c) {
        String v = null;
        for (Opt o : opts) {
            if (o.name() == c) {
                v = o.arg();
            }
        }
        return v;
    }

    List<String> all(char c) {
        return opts.stream().filter(o -> o.name() == c).map(Opt::arg).toList();
    }

    /**
     * Parses {@code args} (without the command name).
     *
     * @param permute whether options may follow operands (GNU) or stop at the first operand (POSIX,
     *                as watch needs: its command's own options are operands)
     */
    static Getopt parse(List<String> args, String optstring, Map<String, Character> longs, boolean permute)
            throws UsageError {
        Getopt g = new Getopt();
        for (int k = 0; k < args.size(); k++) {
            String a = args.get(k);
            if (a.equals("--")) {
                g.operands.addAll(args.subList(k + 1, args.size()));
                break;
            }
            if (a.startsWith("--")) {
                String name = a.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                Character c = longs.get(name);
                if (c == null) {
                    throw new UsageError("unrecognized option '" + a + "'");
                }
                boolean takes = takesArg(optstring, c);
                if (takes && value == null) {
                    if (k + 1 >= args.size()) {
                        throw new UsageError("option '--" + name + "' requires an argument");
                    }
                    value = args.get(++k);
                } else if (!takes && value != null) {
                    throw new UsageError("option '--" + name + "' doesn't allow an argument");
                }
                g.opts.add(new Opt(c, value));
                continue;
            }
            if (!a.startsWith("-") || a.length() == 1) {
                if (!permute) {
                    g.operands.addAll(args.subList(k, args.size()));
                    break;
                }
                g.operands.add(a);
                continue;
            }
            for (int j = 1; j < a.length(); j++) {
                char c = a.charAt(j);
                int at = optstring.indexOf(c);
                if (at < 0 || c == ':') {
                    throw new UsageError("invalid option -- '" + c + "'");
                }
                if (takesArg(optstring, c)) {
                    String value;
                    if (j + 1 < a.length()) {
                        value = a.substring(j + 1);
                    } else if (k + 1 < args.size()) {
                        value = args.get(++k);
                    } else {
                        throw new UsageError("option requires an argument -- '" + c + "'");
                    }
                    g.opts.add(new Opt(c, value));
                    break;
                }
                g.opts.add(new Opt(c, null));
            }
        }
        return g;
    }

    private static boolean takesArg(String optstring, char c) {
        int at = optstring.indexOf(c);
        return at >= 0 && at + 1 < optstring.length() && optstring.charAt(at + 1) == ':';
    }
}

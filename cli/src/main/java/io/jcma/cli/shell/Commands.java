package io.jcma.cli.shell;

import io.jcma.cli.shell.Interpreter.Call;
import io.jcma.cma.fs.KernelFs;
import io.jcma.cma.kernel.ErrnoException;

import java.util.List;
import java.util.Map;

/**
 * The commands on the pseudo files and on the shell itself: cat, echo, tee, ls, dmesg, cd, pwd,
 * sleep, true, false, exit, help. Their options, output and messages follow coreutils (and
 * bash's builtins for echo, cd, exit).
 */
final class Commands {
    private Commands() {
    }

    static void register(Interpreter sh) {
        sh.define("cat", "cat [FILE]...             print files (standard input when none)", Commands::cat);
        sh.define("echo", "echo [-n] [-e] [ARG]...   print the arguments; echo VALUE > FILE writes a file",
                Commands::echo);
        sh.define("tee", "tee [-a] FILE...          copy standard input to files and to standard output",
                Commands::tee);
        sh.define("ls", "ls [-l] [PATH]...         list a directory", Commands::ls);
        sh.define("dmesg", "dmesg                     print the kernel log", Commands::dmesg);
        sh.define("cd", "cd [DIR]                  change the working directory (default /)", Commands::cd);
        sh.define("pwd", "pwd                       print the working directory", c -> {
            c.out().append(c.sh().cwd()).append('\n');
            return 0;
        });
        sh.define("sleep", "sleep SECONDS             wait (while devices run)", Commands::sleep);
        sh.define("true", "true                      do nothing, successfully", c -> 0);
        sh.define("false", "false                     do nothing, unsuccessfully", c -> 1);
        sh.define("exit", "exit [N]                  leave the shell", Commands::exit);
        sh.define("help", "help                      this list", Commands::help);
    }

    private static Getopt options(Call c, String optstring) {
        try {
            return Getopt.parse(c.args(), optstring, Map.of(), true);
        } catch (Getopt.UsageError e) {
            c.error(e.getMessage());
            c.err().append("Try '").append(c.name()).append(" --help' for more information.\n");
            return null;
        }
    }

    private static int cat(Call c) {
        Getopt g = options(c, "");
        if (g == null) {
            return 1;
        }
        if (g.operands.isEmpty()) {
            c.out().append(c.stdin());
            return 0;
        }
        int st = 0;
        for (String p : g.operands) {
            String text = p.equals("-") ? c.stdin() : c.sh().readFile(c, p);
            if (text == null) {
                st = 1;
            } else {
                c.out().append(text);
            }
        }
        return st;
    }

    /** bash's builtin echo: leading -n, -e, -E (and clusters of them) are options, anything else is text. */
    private static int echo(Call c) {
        boolean newline = true;
        boolean escapes = false;
        int k = 0;
        for (; k < c.args().size(); k++) {
            String a = c.args().get(k);
            if (a.length() < 2 || a.charAt(0) != '-' || !a.substring(1).chars().allMatch(ch -> "neE".indexOf(ch) >= 0)) {
                break;
            }
            for (char ch : a.substring(1).toCharArray()) {
                switch (ch) {
                    case 'n' -> newline = false;
                    case 'e' -> escapes = true;
                    default -> escapes = false;
                }
            }
        }
        String text = String.join(" ", c.args().subList(k, c.args().size()));
        if (escapes) {
            int cut = text.indexOf("\\c");
            if (cut >= 0) {
                text = text.substring(0, cut);
                newline = false;
            }
            text = unescape(text);
        }
        c.out().append(text);
        if (newline) {
            c.out().append('\n');
        }
        return 0;
    }

    /** echo -e's escapes: \\ \a \b \e \f \n \r \t \v. */
    private static String unescape(String t) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < t.length(); k++) {
            char ch = t.charAt(k);
            int at = k + 1 < t.length() && ch == '\\' ? "\\abefnrtv".indexOf(t.charAt(k + 1)) : -1;
            if (at < 0) {
                sb.append(ch);
            } else {
                sb.append("\\\u0007\b\u001b\f\n\r\t\u000b".charAt(at));
                k++;
            }
        }
        return sb.toString();
    }

    private static int tee(Call c) {
        Getopt g = options(c, "a");
        if (g == null) {
            return 1;
        }
        int st = 0;
        String v = c.stdin().endsWith("\n") ? c.stdin().substring(0, c.stdin().length() - 1) : c.stdin();
        for (String p : g.operands) {
            if (p.equals(Interpreter.DEV_NULL)) {
                continue;
            }
            try {
                if (!c.stdin().isEmpty()) {
                    c.sh().fs().write(c.sh().resolve(p), v);
                }
            } catch (RuntimeException e) {
                c.error(p + ": " + Interpreter.strerror(e));
                st = 1;
            }
        }
        c.out().append(c.stdin());
        return st;
    }

    private static int ls(Call c) {
        Getopt g = options(c, "la1d");
        if (g == null) {
            return 2;
        }
        List<String> paths = g.operands.isEmpty() ? List.of(".") : g.operands;
        boolean longFormat = g.has('l');
        int st = 0;
        boolean first = true;
        for (String p : paths) {
            String abs = c.sh().resolve(p);
            KernelFs.Stat s;
            try {
                s = c.sh().fs().stat(abs);
            } catch (ErrnoException e) {
                c.error("cannot access '" + p + "': " + e.errno().strerror());
                st = 2;
                continue;
            }
            if (!s.directory() || g.has('d')) {
                c.out().append(longFormat ? longLine(s, p) : p).append('\n');
                continue;
            }
            if (paths.size() > 1) {
                c.out().append(first ? "" : "\n").append(p).append(":\n");
            }
            first = false;
            for (String n : c.sh().fs().list(abs)) {
                c.out().append(longFormat ? longLine(c.sh().fs().stat(abs + "/" + n), n) : n).append('\n');
            }
        }
        return st;
    }

    /** ls -l of a pseudo file: the mode the FUSE mount reports, size 0 as in procfs, no times. */
    private static String longLine(KernelFs.Stat s, String name) {
        return mode(s) + " 1 root root 0 " + name;
    }

    /** The mode string of a pseudo file: debugfs's 0444, 0200 and 0644, directories 0755. */
    static String mode(KernelFs.Stat s) {
        if (s.directory()) {
            return "drwxr-xr-x";
        }
        return "-" + (s.readable() ? "r" : "-") + (s.writable() ? "w" : "-") + "-"
                + (s.readable() ? "r--r--" : "------");
    }

    private static int dmesg(Call c) {
        c.sh().log().entries().forEach(e -> c.out().append(e.dmesg()).append('\n'));
        return 0;
    }

    private static int cd(Call c) {
        if (c.args().size() > 1) {
            c.err().append("jcma: cd: too many arguments\n");
            return 1;
        }
        String target = c.args().isEmpty() ? "/" : c.args().getFirst();
        String abs = c.sh().resolve(target);
        try {
            if (!c.sh().fs().stat(abs).directory()) {
                c.err().append("jcma: cd: ").append(target).append(": Not a directory\n");
                return 1;
            }
        } catch (ErrnoException e) {
            c.err().append("jcma: cd: ").append(target).append(": ").append(e.errno().strerror()).append('\n');
            return 1;
        }
        c.sh().cwd(abs);
        return 0;
    }

    private static int sleep(Call c) throws InterruptedException {
        if (c.args().isEmpty()) {
            c.error("missing operand");
            return 1;
        }
        double total = 0;
        for (String a : c.args()) {
            try {
                double v = Double.parseDouble(a);
                if (v < 0 || Double.isNaN(v) || Double.isInfinite(v)) {
                    throw new NumberFormatException(a);
                }
                total += v;
            } catch (NumberFormatException e) {
                c.error("invalid time interval '" + a + "'");
                return 1;
            }
        }
        Thread.sleep((long) (total * 1000));
        return 0;
    }

    private static int exit(Call c) {
        int code = c.sh().status();
        if (!c.args().isEmpty()) {
            try {
                code = Integer.parseInt(c.args().getFirst()) & 0xff;
            } catch (NumberFormatException e) {
                c.err().append("jcma: exit: ").append(c.args().getFirst()).append(": numeric argument required\n");
                code = 2;
            }
        }
        c.sh().requestExit(code);
        return code;
    }

    private static int help(Call c) {
        c.out().append("""
                Commands run over the machine's /proc, /sys and /sys/kernel/debug; sh syntax:
                  CMD | CMD     pipe      CMD; CMD   sequence    CMD && CMD, CMD || CMD   on status
                  > FILE   >> FILE   < FILE   2> FILE   2>&1     redirect ('>' writes a pseudo file)
                  'quoted' "quoted" \\x   quoting       * ? [..]   globbing over the pseudo files
                """);
        c.sh().help().values().forEach(h -> c.out().append("  ").append(h).append('\n'));
        return 0;
    }
}

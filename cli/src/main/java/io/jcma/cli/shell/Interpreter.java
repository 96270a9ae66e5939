package io.jcma.cli.shell;

import io.jcma.cli.shell.Lexer.SyntaxError;
import io.jcma.cli.shell.Lexer.Word;
import io.jcma.cli.shell.Parser.AndOr;
import io.jcma.cli.shell.Parser.Command;
import io.jcma.cli.shell.Parser.Pipeline;
import io.jcma.cli.shell.Parser.Redirect;
import io.jcma.cli.shell.Parser.Script;
import io.jcma.cma.fs.KernelFs;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.kernel.KernelLog;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The shell of {@code ./jcma shell}, for {@code -c} scripts and the interactive mode alike: runs
 * a {@link Parser.Script} over a machine's pseudo files ({@link KernelFs}) and kernel log.
 *
 * <p>A pipeline runs its commands one after the other, each one's output the next one's input
 * (the files are short texts, so nothing streams); its status is its last command's, and a
 * script's status is its last pipeline's, as in sh. Redirections are processed left to right, so
 * {@code >f 2>&1} and {@code 2>&1 >f} differ as they do in sh. A redirection to a pseudo file is
 * one write(2) of the command's whole output, its final newline dropped ({@link KernelFs#write});
 * {@code /dev/null} is the only file outside the pseudo filesystems. Messages are those of
 * coreutils and bash ({@code cat: PATH: Permission denied}, {@code echo: write error: Invalid
 * argument}, {@code jcma: foo: command not found}, status 127).
 */
public final class Interpreter {
    /** What a command sees: its arguments (after globbing), its input, and where it writes. */
    record Call(String name, List<String> args, String stdin, StringBuilder out, StringBuilder err, Interpreter sh) {
        /** Prints a coreutils-style message {@code name: text}. */
        void error(String text) {
            err.append(name).append(": ").append(text).append('\n');
        }
    }

    /** A command; {@link InterruptedException} (Ctrl-C) aborts the whole line. */
    @FunctionalInterface
    interface Builtin {
        int run(Call c) throws InterruptedException;
    }

    /** Status of a command interrupted by Ctrl-C (128 + SIGINT), as sh reports it. */
    public static final int STATUS_INTERRUPTED = 130;
    static final String DEV_NULL = "/dev/null";

    private final KernelFs fs;
    private final KernelLog log;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Map<String, Builtin> commands = new TreeMap<>();
    private final Map<String, String> help = new TreeMap<>();
    private Watch.Screen watchScreen;
    private String cwd = "/";
    private int status;
    private boolean exitRequested;

    public Interpreter(KernelFs fs, KernelLog log, PrintWriter out, PrintWriter err) {
        this.fs = Objects.requireNonNull(fs, "fs");
        this.log = Objects.requireNonNull(log, "log");
        this.out = out;
        this.err = err;
        this.watchScreen = Watch.plain(out);
        Commands.register(this);
        Filters.register(this);
        Grep.register(this);
        Watch.register(this);
    }

    void define(String name, String summary, Builtin b) {
        commands.put(name, b);
        help.put(name, summary);
    }

    KernelFs fs() {
        return fs;
    }

    KernelLog log() {
        return log;
    }

    /** The names of the commands, sorted. */
    public List<String> commandNames() {
        return List.copyOf(commands.keySet());
    }

    Map<String, String> help() {
        return help;
    }

    /** The working directory, an absolute path in the pseudo filesystems. */
    public String cwd() {
        return cwd;
    }

    void cwd(String dir) {
        cwd = dir;
    }

    /** The status of the last pipeline. */
    public int status() {
        return status;
    }

    /** Whether {@code exit} was run. */
    public boolean exitRequested() {
        return exitRequested;
    }

    void requestExit(int code) {
        exitRequested = true;
        status = code;
    }

    /** Where {@code watch} draws; plain runs separated by header lines unless a terminal sets its own. */
    public void watchScreen(Watch.Screen screen) {
        this.watchScreen = Objects.requireNonNull(screen, "screen");
    }

    Watch.Screen watchScreen() {
        return watchScreen;
    }

    /** {@code path} made absolute against the working directory, with {@code .} and {@code ..} resolved. */
    public String resolve(String path) {
        return normalize(path.startsWith("/") ? path : cwd + "/" + path);
    }

    static String normalize(String path) {
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.removeLast();
                }
            } else {
                parts.add(p);
            }
        }
        return "/" + String.join("/", parts);
    }

    /**
     * Parses and runs {@code script}; the status of its last pipeline, 2 for a syntax error (and
     * nothing runs), 130 when interrupted.
     */
    public int run(String script) {
        Script s;
        try {
            s = Parser.parse(script);
        } catch (SyntaxError e) {
            err.println("jcma: " + e.getMessage());
            err.flush();
            status = 2;
            return status;
        }
        try {
            for (AndOr item : s.items()) {
                runAndOr(item);
                if (exitRequested) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.interrupted(); // the next line starts afresh
            out.println();
            status = STATUS_INTERRUPTED;
        } finally {
            out.flush();
            err.flush();
        }
        return status;
    }

    /** Whether {@code script} needs another line (an open quote, a trailing pipe or backslash). */
    public static boolean incomplete(String script) {
        return Parser.incomplete(script);
    }

    /**
     * Runs {@code script} with its output and errors collected, for {@code watch}; the working
     * directory and {@code exit} do not leak out.
     */
    record Captured(String text, int status) {
    }

    Captured capture(String script) throws InterruptedException {
        StringBuilder both = new StringBuilder();
        Interpreter sub = new Interpreter(fs, log, new PrintWriter(new StringBuilderWriter(both)),
                new PrintWriter(new StringBuilderWriter(both)));
        sub.cwd = cwd;
        int st;
        try {
            st = sub.runChecked(script);
        } catch (SyntaxError e) {
            both.append("jcma: ").append(e.getMessage()).append('\n');
            st = 2;
        }
        return new Captured(both.toString(), st);
    }

    private int runChecked(String script) throws InterruptedException {
        for (AndOr item : Parser.parse(script).items()) {
            runAndOr(item);
            if (exitRequested) {
                break;
            }
        }
        out.flush();
        err.flush();
        return status;
    }

    private void runAndOr(AndOr a) throws InterruptedException {
        status = runPipeline(a.pipelines().getFirst());
        for (int k = 1; k < a.pipelines().size() && !exitRequested; k++) {
            boolean and = a.connectors().get(k - 1).equals("&&");
            if (and == (status == 0)) {
                status = runPipeline(a.pipelines().get(k));
            }
        }
    }

    private int runPipeline(Pipeline p) throws InterruptedException {
        if (p.commands().size() > 1) {
            for (Command c : p.commands()) {
                if (!c.words().isEmpty() && c.words().getFirst().text().equals("watch")) {
                    err.println("jcma: watch: cannot be part of a pipeline; quote the pipeline it should run:"
                            + " watch -n 1 'cat /proc/meminfo | grep Cma'");
                    return 2;
                }
            }
        }
        String input = "";
        int st = 0;
        for (int k = 0; k < p.commands().size(); k++) {
            boolean last = k == p.commands().size() - 1;
            StringBuilder piped = new StringBuilder();
            st = runCommand(p.commands().get(k), input, last ? null : piped);
            input = piped.toString();
            if (exitRequested) {
                break;
            }
        }
        return st;
    }

    /** Where one of a command's outputs goes. */
    private sealed interface Target permits Terminal, Pipe, File, Null {
    }

    private record Terminal(PrintWriter w) implements Target {
    }

    private record Pipe(StringBuilder next) implements Target {
    }

    private record File(String path, boolean append) implements Target {
    }

    private record Null() implements Target {
    }

    /** Runs one command; {@code pipe} is the next command's input, or null for the last one. */
    private int runCommand(Command c, String stdin, StringBuilder pipe) throws InterruptedException {
        List<String> argv = new ArrayList<>();
        for (Word w : c.words()) {
            argv.addAll(Glob.expand(fs, this, w));
        }
        Target fd1 = pipe == null ? new Terminal(out) : new Pipe(pipe);
        Target fd2 = new Terminal(err);
        String in = stdin;
        for (Redirect r : c.redirects()) {
            try {
                switch (r.op()) {
                    case ">&1" -> fd2 = r.fd() == 2 ? fd1 : fd2;
                    case ">&2" -> fd1 = r.fd() == 1 ? fd2 : fd1;
                    case "<" -> in = readForRedirect(r.target().text());
                    default -> {
                        Target t = openForWrite(r.target().text(), r.op().equals(">>"));
                        if (r.fd() == 2) {
                            fd2 = t;
                        } else {
                            fd1 = t;
                        }
                    }
                }
            } catch (ErrnoException e) {
                err.println("jcma: " + r.target().text() + ": " + e.errno().strerror());
                err.flush();
                return 1;
            }
        }
        if (argv.isEmpty()) {
            return 0; // redirections alone: "> file" opens (and checks) the file, writes nothing
        }
        String name = argv.getFirst();
        Builtin b = commands.get(name);
        StringBuilder o = new StringBuilder();
        StringBuilder e = fd2.equals(fd1) ? o : new StringBuilder();
        int st;
        try {
            if (b == null) {
                e.append("jcma: ").append(name).append(": command not found\n");
                st = 127;
            } else {
                st = b.run(new Call(name, List.copyOf(argv.subList(1, argv.size())), in, o, e, this));
            }
        } catch (RuntimeException ex) {
            e.append(name).append(": ").append(ex.getMessage()).append('\n');
            st = 1;
        } catch (InterruptedException ex) {
            flushTo(fd1, o, name, null);
            if (e != o) {
                flushTo(fd2, e, name, null);
            }
            throw ex;
        }
        if (!flushTo(fd1, o, name, e == o ? null : e)) {
            st = 1;
        }
        if (e != o && !flushTo(fd2, e, name, null)) {
            st = 1;
        }
        return st;
    }

    /** Sends {@code text} where {@code t} says; false (and a message to {@code errs}) when a write fails. */
    private boolean flushTo(Target t, StringBuilder text, String name, StringBuilder errs) {
        switch (t) {
            case Terminal(PrintWriter w) -> {
                w.print(text);
                w.flush();
            }
            case Pipe(StringBuilder next) -> {
                if (next != text) {
                    next.append(text);
                }
            }
            case Null() -> {
            }
            case File(String path, boolean append) -> {
                if (text.isEmpty()) {
                    return true;
                }
                String v = text.toString();
                try {
                    fs.write(path, v.endsWith("\n") ? v.substring(0, v.length() - 1) : v);
                } catch (RuntimeException ex) {
                    String msg = name + ": write error: " + strerror(ex) + "\n";
                    if (errs != null) {
                        errs.append(msg);
                    } else {
                        err.print(msg);
                        err.flush();
                    }
                    return false;
                }
            }
        }
        return true;
    }

    private String readForRedirect(String path) {
        if (path.equals(DEV_NULL)) {
            return "";
        }
        return fs.read(resolve(path));
    }

    /**
     * The checks open(O_WRONLY|O_CREAT|O_TRUNC) makes: a missing file in an existing directory is
     * EACCES (the pseudo filesystems have no create), a missing directory ENOENT, a read-only
     * file EACCES (kernfs and debugfs refuse it even to root).
     */
    private Target openForWrite(String path, boolean append) {
        if (path.equals(DEV_NULL)) {
            return new Null();
        }
        String p = resolve(path);
        KernelFs.Stat st;
        try {
            st = fs.stat(p);
        } catch (ErrnoException e) {
            String parent = p.substring(0, Math.max(1, p.lastIndexOf('/')));
            if (e.errno() == Errno.ENOENT && fs.isDirectory(parent)) {
                throw new ErrnoException(Errno.EACCES, p);
            }
            throw e;
        }
        if (st.directory()) {
            throw new ErrnoException(Errno.EISDIR, p);
        }
        if (!st.writable()) {
            throw new ErrnoException(Errno.EACCES, p);
        }
        return new File(p, append);
    }

    /** The C library's text for what went wrong: the errno's, or EIO for anything else. */
    static String strerror(RuntimeException e) {
        return e instanceof ErrnoException ee ? ee.errno().strerror() : Errno.EIO.strerror();
    }

    /** A pseudo file's text, or a {@code NAME: PATH: error} message and null. */
    String readFile(Call c, String path) {
        if (path.equals(DEV_NULL)) {
            return "";
        }
        try {
            return fs.read(resolve(path));
        } catch (RuntimeException e) {
            c.error(path + ": " + strerror(e));
            return null;
        }
    }

    /** A Writer over a StringBuilder, for capturing a sub-shell. */
    private static final class StringBuilderWriter extends java.io.Writer {
        private final StringBuilder sb;

        StringBuilderWriter(StringBuilder sb) {
            this.sb = sb;
        }

        @Override
        public void write(char[] cbuf, int off, int len) {
            sb.append(cbuf, off, len);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}

package io.jcma.cli.shell;

import io.jcma.cma.fs.KernelFs;
import io.jcma.cma.kernel.KernelLog;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;

import java.nio.file.Path;

/**
 * The interactive {@code ./jcma shell}: JLine line editing (emacs keys), history (in memory, or in
 * a file when one is named), Tab completion of commands and pseudo-file paths; Ctrl-C drops the
 * line being typed or stops the running command ({@code watch}, {@code sleep}), Ctrl-D on an
 * empty line leaves. A line left open (a quote, a trailing {@code |}) continues at a {@code > }
 * prompt.
 */
public final class InteractiveShell {
    private final Terminal terminal;
    private final Interpreter sh;
    private final LineReader reader;

    /**
     * @param history the history file, or null to keep history in memory only
     */
    public InteractiveShell(Terminal terminal, KernelFs fs, KernelLog log, Path history) {
        this.terminal = terminal;
        this.sh = new Interpreter(fs, log, terminal.writer(), terminal.writer());
        sh.watchScreen(new TerminalScreen(terminal));
        DefaultParser parser = new DefaultParser();
        parser.setEofOnUnclosedQuote(false);
        LineReaderBuilder b = LineReaderBuilder.builder().terminal(terminal).appName("jcma").parser(parser)
                .completer(new ShellCompleter(sh, fs));
        if (history != null) {
            b.variable(LineReader.HISTORY_FILE, history);
        }
        this.reader = b.build();
        // '!' is a glob negation and a grep character here, never a history event
        reader.setOpt(LineReader.Option.DISABLE_EVENT_EXPANSION);
    }

    /** The interpreter, for tests. */
    Interpreter interpreter() {
        return sh;
    }

    LineReader reader() {
        return reader;
    }

    /** Reads and runs lines until {@code exit} or Ctrl-D; the last status. */
    public int run() {
        Thread main = Thread.currentThread();
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, s -> main.interrupt());
        try {
            while (!sh.exitRequested()) {
                String line;
                try {
                    Thread.interrupted();
                    line = readCommand();
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    break;
                }
                if (line != null) {
                    sh.run(line);
                }
            }
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
            terminal.flush();
            try {
                reader.getHistory().save();
            } catch (java.io.IOException e) {
                terminal.writer().println("jcma: history: " + e.getMessage());
            }
        }
        return sh.status();
    }

    private String prompt() {
        return "jcma:" + sh.cwd() + "# ";
    }

    /** One command, continued over lines while it is incomplete. */
    private String readCommand() {
        StringBuilder cmd = new StringBuilder(reader.readLine(prompt()));
        while (Interpreter.incomplete(cmd.toString())) {
            cmd.append('\n').append(reader.readLine("> "));
        }
        return cmd.toString();
    }
}

package io.jcma.cli.shell;

import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code watch} on a terminal: the alternate screen, redrawn in place by JLine's {@link Display}
 * (only what changed is rewritten), the header with the time at the right as procps-ng draws it;
 * {@code q} or Ctrl-C leaves.
 */
final class TerminalScreen implements Watch.Screen {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final Terminal terminal;
    private Display display;
    private Attributes saved;

    TerminalScreen(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public void begin() {
        saved = terminal.enterRawMode();
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.clear_screen);
        display = new Display(terminal, true);
        Size size = terminal.getSize();
        display.resize(Math.max(1, size.getRows()), Math.max(1, size.getColumns()));
        terminal.flush();
    }

    @Override
    public void show(String header, String text) {
        Size size = terminal.getSize();
        int rows = Math.max(1, size.getRows());
        int cols = Math.max(1, size.getColumns());
        display.resize(rows, cols);
        List<AttributedString> lines = new ArrayList<>();
        if (header != null) {
            String time = LocalTime.now().format(TIME);
            int pad = cols - header.length() - time.length();
            lines.add(new AttributedString(pad > 0 ? header + " ".repeat(pad) + time : header));
            lines.add(new AttributedString(""));
        }
        for (String l : Grep.lines(text)) {
            if (lines.size() >= rows - 1) {
                break;
            }
            lines.add(new AttributedString(l.replace("\t", "        ")));
        }
        display.update(lines, -1);
        terminal.flush();
    }

    @Override
    public boolean pause(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        NonBlockingReader in = terminal.reader();
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (Thread.interrupted()) {
                throw new InterruptedException("watch: interrupted");
            }
            if (left <= 0) {
                return true;
            }
            int c;
            try {
                c = in.read(Math.min(left, 100));
            } catch (InterruptedIOException e) {
                throw new InterruptedException("watch: interrupted");
            } catch (IOException e) {
                return false;
            }
            if (c == 'q' || c == NonBlockingReader.EOF) {
                return false;
            }
            if (c == 3) { // Ctrl-C read as a character (ISIG off)
                throw new InterruptedException("watch: interrupted");
            }
        }
    }

    @Override
    public void end() {
        terminal.puts(Capability.exit_ca_mode);
        if (saved != null) {
            terminal.setAttributes(saved);
        }
        terminal.flush();
    }
}

package io.jcma.cli.shell;

import io.jcma.cli.shell.Interpreter.Call;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/**
 * {@code watch [-n SECONDS] [-c COUNT] [-t] COMMAND...}: runs COMMAND (its words joined by spaces
 * and parsed again, so {@code watch -n 1 'cat /proc/meminfo | grep Cma'} watches a pipeline) every
 * SECONDS (default 2, at least 0.1, as procps-ng watch), COUNT times or until Ctrl-C. On a terminal
 * the screen is redrawn; elsewhere each run is printed after a header line. {@code -c} is this
 * shell's own (procps watch has no count; its {@code -c} is --color). The status is the last run's.
 */
public final class Watch {
    private Watch() {
    }

    /** Where watch draws each run. */
    public interface Screen {
        /** Before the first run. */
        default void begin() {
        }

        /** Shows one run: its header (null with {@code -t}) and its output and errors. */
        void show(String header, String text);

        /**
         * Waits {@code millis} between runs.
         *
         * @return false if the user asked to stop (a terminal's {@code q})
         * @throws InterruptedException on Ctrl-C
         */
        default boolean pause(long millis) throws InterruptedException {
            Thread.sleep(millis);
            return true;
        }

        /** After the last run, also when interrupted. */
        default void end() {
        }
    }

    /** Runs printed one after the other, each after its header line and a blank line. */
    static Screen plain(PrintWriter out) {
        return (header, text) -> {
            if (header != null) {
                out.print(header + "\n\n");
            }
            out.print(text);
            if (!text.isEmpty() && !text.endsWith("\n")) {
                out.print('\n');
            }
            out.flush();
        };
    }

    static void register(Interpreter sh) {
        sh.define("watch", "watch [-n SECONDS] [-c COUNT] [-t] COMMAND...   re-run a command, redrawing",
                Watch::watch);
    }

    /** procps-ng's header: {@code Every 2.0s: COMMAND}. */
    public static String header(double seconds, String command) {
        return String.format(Locale.ROOT, "Every %.1fs: %s", seconds, command);
    }

    private static int watch(Call c) throws InterruptedException {
        Getopt g;
        try {
            g = Getopt.parse(c.args(), "n:c:t", Map.of("interval", 'n', "count", 'c', "no-title", 't'), false);
        } catch (Getopt.UsageError e) {
            c.error(e.getMessage());
            c.err().append("Usage: watch [-n SECONDS] [-c COUNT] [-t] COMMAND...\n");
            return 1;
        }
        if (g.operands.isEmpty()) {
            c.err().append("Usage: watch [-n SECONDS] [-c COUNT] [-t] COMMAND...\n");
            return 1;
        }
        double seconds = 2;
        long count = Long.MAX_VALUE;
        try {
            if (g.has('n')) {
                seconds = Double.parseDouble(g.last('n').replace(',', '.'));
                if (Double.isNaN(seconds) || seconds < 0) {
                    throw new NumberFormatException();
                }
                seconds = Math.max(0.1, seconds);
            }
        } catch (NumberFormatException e) {
            c.error("failed to parse argument: '" + g.last('n') + "'");
            return 1;
        }
        if (g.has('c')) {
            try {
                count = Long.parseLong(g.last('c'));
                if (count < 1) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                c.error("count: '" + g.last('c') + "' (expected: a positive number of runs)");
                return 1;
            }
        }
        String command = String.join(" ", g.operands);
        String header = g.has('t') ? null : header(seconds, command);
        Screen screen = c.sh().watchScreen();
        int st = 0;
        screen.begin();
        try {
            for (long run = 1; ; run++) {
                Interpreter.Captured r = c.sh().capture(command);
                st = r.status();
                screen.show(header, r.text());
                if (run >= count || !screen.pause((long) (seconds * 1000))) {
                    break;
                }
            }
        } finally {
            screen.end();
        }
        return st;
    }
}

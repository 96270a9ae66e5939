package io.jcma.cli;

import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.boot.Machine;
import io.jcma.devices.Board;
import io.jcma.devices.BoardOptions;
import io.jcma.dma.DmaOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./jcma shell}: cat, echo and ls over the board's debugfs, sysfs and procfs, and dmesg.
 * The board is booted with its devices and drivers, so /sys/bus/platform, /proc/interrupts and
 * /proc/irq are there too. Commands from {@code -c "CMD; CMD"} or standard input; exits 1 if
 * any failed.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = "A shell over the simulated board's /sys/kernel/debug, /sys and /proc: cat, echo VALUE > PATH, ls, dmesg.")
final class ShellCommand implements Callable<Integer> {
    @Mixin
    PlatformOptions platform;

    @Mixin
    PressureOptions pressure;

    @Option(names = "-c", paramLabel = "\"CMD; CMD\"", description = "Commands to run, separated by ';' or newlines.")
    String commands;

    @Override
    public Integer call() throws Exception {
        // a board: the DMA layer attached at boot (swiotlb, /sys/kernel/debug/dma-api), devices, drivers
        try (Board b = Board.boot(platform.platform(), BoardOptions.builder().dma(DmaOptions.defaults()).build())) {
            Machine m = b.machine();
            pressure.apply(m);
            Shell sh = new Shell(m, System.out, System.err);
            if (commands != null) {
                for (String c : commands.split("[;\n]")) {
                    sh.run(c);
                }
            } else {
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null) {
                    sh.run(line);
                }
            }
            return sh.failures() == 0 ? 0 : 1;
        }
    }

    /** The interpreter, separate from picocli so tests can drive it. */
    static final class Shell {
        private final Machine m;
        private final PrintStream out;
        private final PrintStream err;
        private int failures;

        Shell(Machine m, PrintStream out, PrintStream err) {
            this.m = m;
            this.out = out;
            this.err = err;
        }

        int failures() {
            return failures;
        }

        void run(String line) {
            String c = line.strip();
            if (c.isEmpty() || c.startsWith("#")) {
                return;
            }
            List<String> w = words(c);
            String cmd = w.getFirst();
            try {
                switch (cmd) {
                    case "cat" -> {
                        if (w.size() < 2) {
                            throw new IllegalArgumentException("usage: cat PATH...");
                        }
                        for (String p : w.subList(1, w.size())) {
                            out.print(m.fs().read(p));
                        }
                    }
                    case "ls" -> {
                        String p = w.size() > 1 ? w.get(1) : "/";
                        for (String n : m.fs().list(p)) {
                            out.println(n);
                        }
                    }
                    case "echo" -> echo(w);
                    case "dmesg" -> m.log().entries().forEach(e -> out.println(e.dmesg()));
                    default -> throw new IllegalArgumentException(cmd + ": command not found (cat, echo, ls, dmesg)");
                }
            } catch (ErrnoException e) {
                failures++;
                err.println("jcma: " + cmd + ": " + e.errno().name() + " (" + e.errno().strerror() + "): " + e.reason());
            } catch (RuntimeException e) {
                failures++;
                err.println("jcma: " + e.getMessage());
            }
        }

        private void echo(List<String> w) {
            int gt = w.indexOf(">");
            if (gt < 0) {
                out.println(String.join(" ", w.subList(1, w.size())));
                return;
            }
            if (gt != w.size() - 2) {
                throw new IllegalArgumentException("usage: echo VALUE > PATH");
            }
            m.fs().write(w.get(gt + 1), String.join(" ", w.subList(1, gt)));
        }

        private static List<String> words(String s) {
            List<String> out = new ArrayList<>();
            StringBuilder cur = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (ch == '"' || ch == '\'') {
                    quoted = !quoted;
                } else if (!quoted && ch == '>') {
                    if (!cur.isEmpty()) {
                        out.add(cur.toString());
                        cur.setLength(0);
                    }
                    out.add(">");
                } else if (!quoted && Character.isWhitespace(ch)) {
                    if (!cur.isEmpty()) {
                        out.add(cur.toString());
                        cur.setLength(0);
                    }
                } else {
                    cur.append(ch);
                }
            }
            if (!cur.isEmpty()) {
                out.add(cur.toString());
            }
            return out;
        }
    }
}

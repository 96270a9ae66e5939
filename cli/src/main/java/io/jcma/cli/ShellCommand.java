package io.jcma.cli;

import io.jcma.cli.shell.InteractiveShell;
import io.jcma.cli.shell.Interpreter;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.fs.KernelFs;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.devices.Board;
import io.jcma.devices.BoardOptions;
import io.jcma.dma.DmaOptions;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./jcma shell}: the shell of {@link Interpreter} over the board's debugfs, sysfs and
 * procfs (with its devices and drivers: /sys/bus/platform, /proc/interrupts, /proc/irq) and its
 * kernel log, with a script from {@code -c}, interactive on a terminal
 * ({@link InteractiveShell}), or line by line from standard input. The status is the last
 * command's, as sh's.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = {"A shell over the simulated machine's /proc, /sys and /sys/kernel/debug: cat, echo VALUE > FILE, "
                + "ls, cd, dmesg, pipes into grep, head, tail, wc, sort, cut, uniq, and watch.",
                "Interactive on a terminal (history, Tab completion of paths, Ctrl-C, Ctrl-D); 'help' lists the commands."},
        footerHeading = "%nExample:%n",
        footer = {"  ./jcma shell --mem 1G --cmdline \"cma=32M\" \\",
                "      -c \"echo 100 > /sys/kernel/debug/cma/reserved/alloc; cat /proc/meminfo | grep Cma\"",
                "  ./jcma shell -c \"watch -n 0.5 -c 3 'grep . /sys/kernel/debug/cma/*/used'\""})
final class ShellCommand implements Callable<Integer> {
    @Mixin
    PlatformOptions platform;

    @Mixin
    PressureOptions pressure;

    @Option(names = "-c", paramLabel = "\"CMD; CMD\"",
            description = "Run this script (sh syntax: ; | && || > >> < 2>&1, quotes, globs) and exit with its status.")
    String commands;

    @Option(names = "--history", paramLabel = "FILE",
            description = "Keep the interactive history in FILE (default: in memory only).")
    Path history;

    @Override
    public Integer call() throws Exception {
        // a board: the DMA layer attached at boot (swiotlb, /sys/kernel/debug/dma-api), devices, drivers
        try (Board b = Board.boot(platform.platform(), BoardOptions.builder().dma(DmaOptions.defaults()).build())) {
            Machine m = b.machine();
            pressure.apply(m);
            return run(m.fs(), m.log());
        }
    }

    private int run(KernelFs fs, KernelLog log) throws Exception {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        if (commands != null) {
            return new Interpreter(fs, log, out, err).run(commands);
        }
        if (System.console() != null && System.console().isTerminal()) {
            try (Terminal t = TerminalBuilder.builder().system(true).build()) {
                return new InteractiveShell(t, fs, log, history).run();
            }
        }
        Interpreter sh = new Interpreter(fs, log, out, err);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        StringBuilder cmd = new StringBuilder();
        String line;
        while (!sh.exitRequested() && (line = in.readLine()) != null) {
            cmd.append(cmd.isEmpty() ? "" : "\n").append(line);
            if (!Interpreter.incomplete(cmd.toString())) {
                sh.run(cmd.toString());
                cmd.setLength(0);
            }
        }
        if (!cmd.isEmpty()) {
            sh.run(cmd.toString());
        }
        return sh.status();
    }
}

package io.jcma.cli.shell;

import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interactive shell driven through a virtual xterm (JLine's terminal over streams): the
 * keystrokes a user types go in, the screen's bytes come out.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InteractiveShellTest {
    private static final String USED = "/sys/kernel/debug/cma/reserved/used";
    private static final String ALLOC = "/sys/kernel/debug/cma/reserved/alloc";

    private Machine machine;
    private PipedOutputStream keys;
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private Terminal terminal;
    private InteractiveShell shell;
    private CompletableFuture<Integer> exit;

    @BeforeEach
    void start() throws IOException {
        machine = Machine.boot(Platform.builder().mem(1L << 30).cmdline("cma=32M").build());
        keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys, 1 << 16);
        terminal = TerminalBuilder.builder().system(false).streams(in, screen).type("xterm")
                .size(new Size(160, 40)).encoding(StandardCharsets.UTF_8).build();
        shell = new InteractiveShell(terminal, machine.fs(), machine.log(), null);
        // its own thread: a shell left running by a failed test must not hold up the next one
        exit = CompletableFuture.supplyAsync(shell::run, r -> {
            Thread t = new Thread(r, "interactive-shell");
            t.setDaemon(true);
            t.start();
        });
    }

    @AfterEach
    void stop() throws IOException {
        keys.close();
        terminal.close();
        machine.close();
    }

    private void type(String s) throws IOException {
        keys.write(s.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    /** What the screen shows, escape sequences removed. */
    private String text() {
        String raw;
        synchronized (screen) {
            raw = screen.toString(StandardCharsets.UTF_8);
        }
        return raw.replaceAll("\u001B\\[[?;0-9]*[A-Za-z@]", "").replaceAll("\u001B[()][A-Z0-9]", "")
                .replaceAll("\u001B[=>]", "").replace("\r", "");
    }

    private void awaitText(String s) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!text().contains(s)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("screen never showed '" + s + "'; it shows:\n" + text());
            }
            Thread.sleep(20);
        }
    }

    private int awaitExit() throws Exception {
        try {
            return exit.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the shell did not leave; the screen shows:\n" + text(), e);
        }
    }

    private List<String> history() {
        List<String> h = new ArrayList<>();
        shell.reader().getHistory().forEach(e -> h.add(e.line()));
        return h;
    }

    @Test
    void aPipeRunsAsInMinusC() throws Exception {
        type("cat /proc/meminfo | grep Cma\r");
        awaitText("CmaFree:");
        type("exit\r");
        assertThat(awaitExit()).isZero();
        assertThat(text()).contains("CmaTotal:          32768 kB\nCmaFree:           32768 kB\n");
    }

    @Test
    void upArrowRecallsTheLastLine() throws Exception {
        type("echo 100 > " + ALLOC + "\r");
        type("\u001BOA\r"); // up (as xterm sends it in keypad mode), enter: the same allocation again
        type("cat " + USED + "\r");
        awaitText("\n200\n");
        type("exit\r");
        awaitExit();
        assertThat(machine.cma().areas().getFirst().used()).isEqualTo(200);
        assertThat(history()).containsExactly("echo 100 > " + ALLOC, "cat " + USED, "exit"); // a repeat is kept once
    }

    @Test
    void tabCompletesAPathInThePseudoFilesystems() throws Exception {
        type("echo 7 > " + ALLOC + "\r");
        type("cat /sys/kernel/debug/cma/reserved/us\t\r");
        awaitText("\n7\n");
        type("exit\r");
        awaitExit();
        assertThat(history()).contains("cat " + USED); // completed with its space, trimmed by the history
    }

    @Test
    void tabCompletesADirectoryWithItsSlashAndThenGoesOn() throws Exception {
        type("ls /sys/kernel/deb\tcm\t\r");
        awaitText("reserved");
        type("exit\r");
        awaitExit();
        assertThat(history()).contains("ls /sys/kernel/debug/cma/");
    }

    @Test
    void tabCompletesACommandName() throws Exception {
        type("dmes\t| grep -c 'cma: Reserved'\r");
        awaitText("\n1\n");
        type("exit\r");
        awaitExit();
        assertThat(history()).contains("dmesg | grep -c 'cma: Reserved'");
    }

    @Test
    void aRelativePathCompletesAgainstTheWorkingDirectory() throws Exception {
        type("cd /sys/kernel/debug/cma\r");
        awaitText("jcma:/sys/kernel/debug/cma# ");
        type("cat reserved/cou\t\r");
        awaitText("\n8192\n");
        type("exit\r");
        awaitExit();
    }

    @Test
    void ctrlCStopsWatchAndTheShellGoesOn() throws Exception {
        type("echo 3 > " + ALLOC + "\r");
        type("watch -n 0.1 cat " + USED + "\r");
        awaitText("Every 0.1s: cat " + USED);
        type("\u0003");
        type("echo after-watch\r");
        awaitText("after-watch\n");
        type("exit\r");
        assertThat(awaitExit()).isZero();
    }

    @Test
    void qLeavesWatch() throws Exception {
        type("watch -n 0.1 cat " + USED + "\r");
        awaitText("Every 0.1s: cat " + USED);
        type("q");
        type("echo left\r");
        awaitText("left\n");
        type("exit\r");
        awaitExit();
    }

    @Test
    void ctrlCDropsTheLineBeingTyped() throws Exception {
        type("echo 5 > " + ALLOC + "\u0003");
        type("cat " + USED + "\r");
        awaitText("\n0\n");
        type("exit\r");
        awaitExit();
        assertThat(machine.cma().areas().getFirst().used()).isZero();
        assertThat(history()).doesNotContain("echo 5 > " + ALLOC);
    }

    @Test
    void ctrlDOnAnEmptyLineLeavesWithTheLastStatus() throws Exception {
        type("grep nothing /proc/meminfo\r");
        type("\u0004");
        assertThat(awaitExit()).isEqualTo(1);
    }

    @Test
    void anOpenPipeContinuesOnTheNextLine() throws Exception {
        type("cat /proc/meminfo |\r");
        awaitText("> ");
        type("grep -c Cma\r");
        awaitText("\n2\n");
        type("exit\r");
        awaitExit();
    }
}

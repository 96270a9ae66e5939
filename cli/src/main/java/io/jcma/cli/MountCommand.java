package io.jcma.cli;

import io.jcma.cma.boot.Machine;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.dma.Dma;
import io.jcma.dma.DmaOptions;
import io.jcma.shim.FuseMount;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./jcma mount DIR [-- COMMAND...]}: boots a machine as {@code shell} does and shows its
 * /proc, /sys and /sys/kernel/debug at DIR through FUSE ({@link FuseMount}) until Ctrl-C, or while
 * COMMAND runs (its status is the exit status).
 */
@Command(name = "mount", mixinStandardHelpOptions = true,
        description = {"Boot a simulated machine and show its /proc, /sys and /sys/kernel/debug at DIR as a real FUSE "
                + "filesystem, so cat, grep, watch and scripts read and write them while it runs.",
                "Unmounts on Ctrl-C, or when COMMAND (after --) ends. Needs /dev/fuse and libfuse3 (apt-get install "
                        + "fuse3 libfuse3-3); as a user, fusermount3. After a crash: fusermount3 -u DIR."},
        footerHeading = "%nExample:%n",
        footer = {"  ./jcma mount /tmp/m --cmdline \"cma=64M\" &      # an existing directory",
                "  grep Cma /tmp/m/proc/meminfo",
                "  echo 100 > /tmp/m/sys/kernel/debug/cma/reserved/alloc",
                "  ./jcma mount /tmp/m -- sh -c 'grep . /tmp/m/sys/kernel/debug/cma/*/used'"})
final class MountCommand implements Callable<Integer> {
    @Mixin
    PlatformOptions platform;

    @Mixin
    PressureOptions pressure;

    @Parameters(index = "0", paramLabel = "DIR", description = "An existing directory to mount on.")
    Path dir;

    @Parameters(index = "1..*", paramLabel = "COMMAND", arity = "0..*",
            description = "Run this while mounted (put -- before it), then unmount; its exit status is jcma's.")
    List<String> command = new ArrayList<>();

    @Option(names = "--allow-other", description = "Let other users see the files (-o allow_other; a user needs "
            + "user_allow_other in /etc/fuse.conf).")
    boolean allowOther;

    @Override
    public Integer call() throws Exception {
        Optional<String> why = FuseMount.unavailable();
        if (why.isPresent()) {
            System.err.println("jcma: mount: " + why.get());
            return 1;
        }
        try (Machine m = Machine.boot(platform.platform(), List.of(Dma.hook(DmaOptions.defaults())))) {
            pressure.apply(m);
            FuseMount fuse;
            try {
                fuse = FuseMount.mount(m.fs(), dir, allowOther);
            } catch (ErrnoException e) {
                System.err.println("jcma: mount: " + dir + ": " + e.errno().strerror() + " (" + e.reason() + ")");
                return 1;
            }
            try (fuse) {
                System.err.println("jcma: the machine's /proc, /sys and /sys/kernel/debug are at " + fuse.mountPoint()
                        + (command.isEmpty() ? "; Ctrl-C unmounts" : "") + " (after a crash: fusermount3 -u "
                        + fuse.mountPoint() + ")");
                if (command.isEmpty()) {
                    new CountDownLatch(1).await(); // until Ctrl-C: the mount's shutdown hook unmounts
                    return 0;
                }
                return run(command);
            }
        }
    }

    /** Runs the command: on the terminal itself when there is one, else with its output copied to ours. */
    private static int run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (System.console() != null && System.console().isTerminal()) {
            return pb.inheritIO().start().waitFor();
        }
        Process p;
        try {
            p = pb.redirectInput(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            System.err.println("jcma: mount: " + command.getFirst() + ": " + e.getMessage());
            return 127;
        }
        Thread err = Thread.ofPlatform().start(() -> copy(p.getErrorStream(), System.err));
        copy(p.getInputStream(), System.out);
        err.join();
        return p.waitFor();
    }

    private static void copy(InputStream in, PrintStream out) {
        try (in) {
            in.transferTo((OutputStream) out);
        } catch (IOException e) {
            out.println("jcma: mount: " + e.getMessage());
        }
        out.flush();
    }
}

package io.jcma.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./jcma}: the front door. */
@Command(name = "jcma", mixinStandardHelpOptions = true, version = "jcma 0.1.0",
        description = "The Linux Contiguous Memory Allocator and DMA API on a simulated machine.",
        footerHeading = "%nExample:%n",
        footer = {"  ./jcma boot", "  ./jcma shell -c \"cat /proc/meminfo | grep Cma\"", "  ./jcma man shell"},
        subcommands = {BootCommand.class, ShellCommand.class, MountCommand.class, DtsCommand.class, MapCommand.class,
                HugepagesCommand.class, ManCommand.class, HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("jcma: " + ex.getMessage());
            return 2;
        });
        return cl.execute(args);
    }
}

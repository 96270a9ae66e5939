package io.jcma.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;

/**
 * {@code ./jcma help [COMMAND]}: picocli's help command (which is final, so it cannot carry the
 * example every command's usage has), as picocli's {@code IHelpCommandInitializable2} asks.
 */
@Command(name = "help", helpCommand = true, description = "Print the usage of jcma or of one of its commands.",
        footerHeading = "%nExample:%n", footer = {"  ./jcma help mount"})
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {
    @Parameters(index = "0", arity = "0..1", paramLabel = "COMMAND", description = "The command to describe.")
    String command;

    private CommandLine self;
    private PrintWriter out;
    private PrintWriter err;
    private CommandLine.Help.ColorScheme colors;

    @Override
    public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter out,
                     PrintWriter err) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = out;
        this.err = err;
    }

    @Override
    public void run() {
        CommandLine parent = self.getParent();
        if (command == null) {
            parent.usage(out, colors);
            return;
        }
        CommandLine sub = parent.getSubcommands().get(command);
        if (sub == null) {
            err.println("jcma: help: unknown command '" + command + "' (commands: "
                    + String.join(", ", parent.getSubcommands().keySet()) + ")");
            throw new CommandLine.ParameterException(self, "Unknown subcommand '" + command + "'.");
        }
        sub.usage(out, colors);
    }
}

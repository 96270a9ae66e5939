package io.jcma.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * {@code ./jcma man [COMMAND]}: prints a command's man page, generated at build time by
 * picocli-codegen's ManPageGenerator into the jar's {@code man/} (AsciiDoc in the manpage
 * doctype; {@code asciidoctor -b manpage} turns it into roff for man(1)).
 */
@Command(name = "man", mixinStandardHelpOptions = true,
        description = {"Print the man page of jcma or of one of its commands (AsciiDoc, generated from the commands "
                + "themselves at build time).", "For man(1): ./jcma man shell | asciidoctor -b manpage -o jcma-shell.1 -"},
        footerHeading = "%nExample:%n",
        footer = {"  ./jcma man mount"})
final class ManCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "COMMAND", description = "boot, shell, mount, ... (default: jcma)")
    String command;

    @Override
    public Integer call() throws IOException {
        CommandSpec root = spec.root();
        if (command != null && !root.subcommands().containsKey(command)) {
            System.err.println("jcma: man: no command '" + command + "' (commands: "
                    + String.join(", ", root.subcommands().keySet()) + ")");
            return 1;
        }
        String page = "/man/jcma" + (command == null ? "" : "-" + command) + ".adoc";
        try (InputStream in = ManCommand.class.getResourceAsStream(page)) {
            if (in == null) {
                System.err.println("jcma: man: " + page + " is not in this build (the cli module's build generates the"
                        + " man pages: mvn -pl cli -am package)");
                return 1;
            }
            // the generator's tag comments are for documents that include parts of a page
            new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("// "))
                    .forEach(System.out::println);
        }
        return 0;
    }
}

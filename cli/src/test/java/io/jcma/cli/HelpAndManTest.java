package io.jcma.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command's --help has an example, and its generated man page prints. */
class HelpAndManTest {
    @Test
    void everyCommandsUsageHasAnExample() {
        CommandLine root = new CommandLine(new Main());
        assertThat(root.getUsageMessage()).contains("Example:");
        Map<String, CommandLine> subs = root.getSubcommands();
        assertThat(subs).containsKeys("boot", "shell", "mount", "man", "help");
        subs.forEach((name, cl) -> assertThat(cl.getUsageMessage()).as(name).contains("Example:\n  ./jcma"));
    }

    @Test
    void helpOfACommandPrintsItsUsage() {
        Jcma.Run r = Jcma.run("help", "mount");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("Usage: jcma mount").contains("Example:", "--allow-other");
    }

    @Test
    void helpOfAnUnknownCommandFails() {
        Jcma.Run r = Jcma.run("help", "nope");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("jcma: help: unknown command 'nope'");
    }

    @Test
    void manPrintsTheGeneratedPageOfACommand() {
        Jcma.Run r = Jcma.run("man", "shell");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains(":doctype: manpage", "= jcma-shell(1)", "== Synopsis", "*--history*=_FILE_",
                "./jcma shell --mem 1G").doesNotContain("// tag::");
    }

    @Test
    void manWithoutACommandIsJcmasPage() {
        Jcma.Run r = Jcma.run("man");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("= jcma(1)", "mount");
    }

    @Test
    void everyCommandHasAManPage() {
        for (String name : new CommandLine(new Main()).getSubcommands().keySet()) {
            Jcma.Run r = Jcma.run("man", name);
            assertThat(r.exit()).as(name).isZero();
            assertThat(r.out()).as(name).contains("= jcma-" + name + "(1)");
        }
    }

    @Test
    void manOfAnUnknownCommandFails() {
        Jcma.Run r = Jcma.run("man", "nope");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("jcma: man: no command 'nope' (commands: boot, shell, mount");
    }

    @Test
    void percentSignsInOptionDescriptionsAreText() {
        assertThat(Jcma.run("boot", "--help").out()).contains("fill PERCENT% of free memory");
    }
}

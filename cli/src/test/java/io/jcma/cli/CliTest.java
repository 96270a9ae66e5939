package io.jcma.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/** The commands as a user runs them: exit codes, stdout and stderr. */
class CliTest {
    static Jcma.Run run(String... args) {
        return Jcma.run(args);
    }

    @Test
    void bootJsonListsTheFixedDefaultArea() throws Exception {
        Jcma.Run r = run("boot", "--mem", "4G", "--cmdline", "cma=64M@0x20000000", "--json");
        assertThat(r.exit()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        JsonNode area = root.get("areas").get(0);
        assertThat(area.get("name").asText()).isEqualTo("reserved");
        assertThat(area.get("base_pfn").asLong()).isEqualTo(131072);
        assertThat(area.get("count").asLong()).isEqualTo(16384);
        assertThat(area.get("order_per_bit").asInt()).isZero();
        assertThat(area.get("node").asInt()).isEqualTo(-1);
        assertThat(root.get("log").toString()).contains("cma: Reserved 64 MiB at 0x0000000020000000 on node -1");
        assertThat(root.get("errors").size()).isZero();
    }

    @Test
    void bootJsonReportsErrors() throws Exception {
        Jcma.Run r = run("boot", "--mem", "1G", "--cmdline", "cma", "--json");
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("areas").size()).isZero();
        assertThat(root.get("errors").toString()).contains("cma: Config string not provided");
    }

    @Test
    void bootPrintsTheKernelLog() {
        Jcma.Run r = run("boot", "--mem", "1G", "--cmdline", "cma=32M");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Zone ranges:", "cma: Reserved 32 MiB at 0x000000003e000000 on node -1", "reserved");
    }

    @Test
    void shellAllocatesThroughDebugfs() {
        Jcma.Run r = run("shell", "--mem", "1G", "--cmdline", "cma=32M", "-c",
                "echo 100 > /sys/kernel/debug/cma/reserved/alloc; cat /sys/kernel/debug/cma/reserved/used");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("100\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void shellReportsTheKernelsErrorsAndExitsWithTheLastStatus() {
        Jcma.Run r = run("shell", "--mem", "1G", "--cmdline", "cma=32M", "-c",
                "cat /sys/kernel/debug/cma/nope/used; echo x > /sys/kernel/debug/cma/reserved/alloc; "
                        + "echo 9000 > /sys/kernel/debug/cma/reserved/alloc; cat /sys/kernel/debug/cma/reserved/count;"
                        + " cat /sys/kernel/debug/cma/reserved/alloc");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEqualTo("8192\n");
        assertThat(r.err()).isEqualTo("""
                cat: /sys/kernel/debug/cma/nope/used: No such file or directory
                echo: write error: Invalid argument
                echo: write error: Cannot allocate memory
                cat: /sys/kernel/debug/cma/reserved/alloc: Permission denied
                """);
    }

    @Test
    void shellPipesMeminfoIntoGrep() {
        Jcma.Run r = run("shell", "--mem", "1G", "--cmdline", "cma=32M", "-c",
                "echo 1024 > /sys/kernel/debug/cma/reserved/alloc; cat /proc/meminfo | grep Cma");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("CmaTotal:          32768 kB\nCmaFree:           28672 kB\n");
    }

    @Test
    void shellExitsWithGrepsStatusWhenNothingMatches() {
        Jcma.Run r = run("shell", "--mem", "1G", "--cmdline", "cma=32M", "-c", "cat /proc/meminfo | grep -c Nope");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEqualTo("0\n");
    }

    @Test
    void shellReadsAScriptFromStandardInputLineByLine() {
        Jcma.Run r = Jcma.runWithInput("cd /sys/kernel/debug/cma/reserved\necho 64 > alloc\ncat used |\n  wc -l\n"
                + "cat used\n", "shell", "--mem", "1G", "--cmdline", "cma=32M");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("1\n64\n");
    }

    @Test
    void badPlatformOptionsAreReportedNotThrown() {
        Jcma.Run r = run("boot", "--memory", "0x2000-0x1000");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("range: 0x2000-0x1000");
    }

    @Test
    void helpListsTheCommands() {
        Jcma.Run r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("boot", "shell");
    }
}

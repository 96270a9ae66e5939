package io.jcma.cli.shell;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Commands, pipes, redirections and statuses over a known pseudo filesystem. */
class InterpreterTest {
    @Test
    void aPipeFeedsTheNextCommand() {
        Fixture f = new Fixture();
        assertThat(f.run("cat /proc/meminfo | grep Cma")).isZero();
        assertThat(f.out()).isEqualTo("CmaTotal:          32768 kB\nCmaFree:           32768 kB\n");
        assertThat(f.err()).isEmpty();
    }

    @Test
    void aLongerPipeline() {
        Fixture f = new Fixture();
        assertThat(f.run("cat /proc/meminfo | grep -v Cma | cut -d: -f1 | sort -r | head -n 1")).isZero();
        assertThat(f.out()).isEqualTo("MemTotal\n");
    }

    @Test
    void theStatusIsTheLastCommandsInAPipelineAndAScript() {
        Fixture f = new Fixture();
        assertThat(f.run("grep nothing /proc/meminfo | cat")).isZero();
        assertThat(f.run("cat /proc/meminfo | grep nothing")).isEqualTo(1);
        assertThat(f.run("cat /nope; cat /proc/vmstat")).isZero();
        assertThat(f.err()).isEqualTo("cat: /nope: No such file or directory\n");
    }

    @Test
    void andOrListsRunOnStatus() {
        Fixture f = new Fixture();
        f.run("grep -q CmaFree /proc/meminfo && echo has || echo lacks; grep -q Nope /proc/meminfo && echo has"
                + " || echo lacks");
        assertThat(f.out()).isEqualTo("has\nlacks\n");
    }

    @Test
    void readingAWriteOnlyFileIsPermissionDenied() {
        Fixture f = new Fixture();
        assertThat(f.run("cat /sys/kernel/debug/cma/reserved/alloc")).isEqualTo(1);
        assertThat(f.err()).isEqualTo("cat: /sys/kernel/debug/cma/reserved/alloc: Permission denied\n");
    }

    @Test
    void aFailingReaderIsAnIoError() {
        Fixture f = new Fixture();
        assertThat(f.run("cat /sys/kernel/debug/broken")).isEqualTo(1);
        assertThat(f.err()).isEqualTo("cat: /sys/kernel/debug/broken: Input/output error\n");
    }

    @Test
    void catOfADirectoryIsEisdir() {
        Fixture f = new Fixture();
        assertThat(f.run("cat /proc")).isEqualTo(1);
        assertThat(f.err()).isEqualTo("cat: /proc: Is a directory\n");
    }

    @Test
    void echoRedirectedWritesTheValueWithoutItsNewline() {
        Fixture f = new Fixture();
        assertThat(f.run("echo 100 > /sys/kernel/debug/cma/reserved/alloc")).isZero();
        assertThat(f.writes).containsExactly("reserved/alloc=100");
    }

    @Test
    void aRefusedWriteIsEchosWriteError() {
        Fixture f = new Fixture();
        assertThat(f.run("echo x > /sys/kernel/debug/cma/reserved/alloc")).isEqualTo(1);
        assertThat(f.err()).isEqualTo("echo: write error: Invalid argument\n");
        assertThat(f.writes).isEmpty();
    }

    @Test
    void redirectingToAReadOnlyFileIsPermissionDeniedAndTheCommandDoesNotRun() {
        Fixture f = new Fixture();
        assertThat(f.run("echo 1 > /proc/meminfo")).isEqualTo(1);
        assertThat(f.err()).isEqualTo("jcma: /proc/meminfo: Permission denied\n");
        assertThat(f.out()).isEmpty();
    }

    @Test
    void aNewFileInAnExistingDirectoryIsPermissionDeniedAsNoPseudoFilesystemCreatesFiles() {
        Fixture f = new Fixture();
        assertThat(f.run("echo 1 > /sys/kernel/debug/cma/reserved/newfile")).isEqualTo(1);
        assertThat(f.err()).isEqualTo("jcma: /sys/kernel/debug/cma/reserved/newfile: Permission denied\n");
    }

    @Test
    void aFileInAMissingDirectoryIsEnoent() {
        Fixture f = new Fixture();
        assertThat(f.run("echo 1 > /sys/nope/x")).isEqualTo(1);
        assertThat(f.err()).isEqualTo("jcma: /sys/nope/x: No such file or directory\n");
    }

    @Test
    void redirectingToADirectoryIsEisdir() {
        Fixture f = new Fixture();
        assertThat(f.run("echo 1 > /sys")).isEqualTo(1);
        assertThat(f.err()).isEqualTo("jcma: /sys: Is a directory\n");
    }

    @Test
    void inputRedirection() {
        Fixture f = new Fixture();
        assertThat(f.run("grep -c cma < /proc/vmstat")).isZero();
        assertThat(f.out()).isEqualTo("2\n");
    }

    @Test
    void errorsGoWhere2RedirectsThem() {
        Fixture f = new Fixture();
        assertThat(f.run("cat /nope 2>&1 | grep -c 'No such'")).isZero();
        assertThat(f.out()).isEqualTo("1\n");
        assertThat(f.err()).isEmpty();
        assertThat(f.run("cat /nope 2>/dev/null")).isEqualTo(1);
        assertThat(f.err()).isEmpty();
    }

    @Test
    void redirectionsApplyLeftToRight() {
        Fixture f = new Fixture();
        // 2>&1 first: errors still go to the old standard output (the terminal), not to the file
        f.run("cat /nope 2>&1 > /sys/kernel/mm/cma/reserved/total_pages");
        assertThat(f.out()).isEqualTo("cat: /nope: No such file or directory\n");
        assertThat(f.writes).isEmpty();
    }

    @Test
    void outputToDevNullIsDropped() {
        Fixture f = new Fixture();
        assertThat(f.run("cat /proc/meminfo > /dev/null")).isZero();
        assertThat(f.out()).isEmpty();
    }

    @Test
    void teeWritesAndPassesOn() {
        Fixture f = new Fixture();
        assertThat(f.run("echo 42 | tee /sys/kernel/debug/cma/reserved/alloc")).isZero();
        assertThat(f.out()).isEqualTo("42\n");
        assertThat(f.writes).containsExactly("reserved/alloc=42");
    }

    @Test
    void anUnknownCommandIs127() {
        Fixture f = new Fixture();
        assertThat(f.run("frobnicate now")).isEqualTo(127);
        assertThat(f.err()).isEqualTo("jcma: frobnicate: command not found\n");
    }

    @Test
    void aSyntaxErrorRunsNothingAndIs2() {
        Fixture f = new Fixture();
        assertThat(f.run("echo a; | grep a")).isEqualTo(2);
        assertThat(f.out()).isEmpty();
        assertThat(f.err()).isEqualTo("jcma: syntax error near unexpected token `|'\n");
    }

    @Test
    void globsExpandOverThePseudoFiles() {
        Fixture f = new Fixture();
        assertThat(f.run("grep . /sys/kernel/debug/cma/*/used")).isZero();
        assertThat(f.out()).isEqualTo("/sys/kernel/debug/cma/gpu/used:7\n/sys/kernel/debug/cma/reserved/used:100\n");
    }

    @Test
    void globsWithBracketsAndQuestionMarks() {
        Fixture f = new Fixture();
        f.run("echo /sys/kernel/debug/cma/[gr]??*/co?nt");
        assertThat(f.out()).isEqualTo("/sys/kernel/debug/cma/gpu/count /sys/kernel/debug/cma/reserved/count\n");
    }

    @Test
    void aQuotedOrUnmatchedGlobStaysAsItIs() {
        Fixture f = new Fixture();
        f.run("echo '/proc/*' /proc/zz*");
        assertThat(f.out()).isEqualTo("/proc/* /proc/zz*\n");
    }

    @Test
    void cdAndRelativePaths() {
        Fixture f = new Fixture();
        assertThat(f.run("cd /sys/kernel/debug/cma; cat reserved/used; cd gpu; pwd; cat ../reserved/count; ls")).isZero();
        assertThat(f.out()).isEqualTo("100\n/sys/kernel/debug/cma/gpu\n8192\ncount\nused\n");
        assertThat(f.sh.cwd()).isEqualTo("/sys/kernel/debug/cma/gpu");
    }

    @Test
    void cdIntoAFileOrNothingFails() {
        Fixture f = new Fixture();
        assertThat(f.run("cd /proc/meminfo")).isEqualTo(1);
        assertThat(f.run("cd /nope")).isEqualTo(1);
        assertThat(f.err()).isEqualTo("jcma: cd: /proc/meminfo: Not a directory\njcma: cd: /nope: No such file or directory\n");
        assertThat(f.sh.cwd()).isEqualTo("/");
    }

    @Test
    void lsLongShowsTheModes() {
        Fixture f = new Fixture();
        f.run("ls -l /sys/kernel/debug/cma/reserved /sys/kernel/mm/cma/reserved");
        assertThat(f.out()).isEqualTo("""
                /sys/kernel/debug/cma/reserved:
                --w------- 1 root root 0 alloc
                -r--r--r-- 1 root root 0 count
                -r--r--r-- 1 root root 0 used

                /sys/kernel/mm/cma/reserved:
                -rw-r--r-- 1 root root 0 total_pages
                """);
    }

    @Test
    void lsOfAMissingPathIsStatus2() {
        Fixture f = new Fixture();
        assertThat(f.run("ls /nope")).isEqualTo(2);
        assertThat(f.err()).isEqualTo("ls: cannot access '/nope': No such file or directory\n");
    }

    @Test
    void dmesgPrintsTheLog() {
        Fixture f = new Fixture();
        f.run("dmesg | grep -c 'cma: Reserved 32 MiB'");
        assertThat(f.out()).isEqualTo("1\n");
    }

    @Test
    void echoOptions() {
        Fixture f = new Fixture();
        f.run("echo -n a; echo -e 'b\\tc\\\\n'; echo -x");
        assertThat(f.out()).isEqualTo("ab\tc\\n\n-x\n");
    }

    @Test
    void exitStopsTheScriptWithItsStatus() {
        Fixture f = new Fixture();
        assertThat(f.run("echo a; exit 3; echo b")).isEqualTo(3);
        assertThat(f.out()).isEqualTo("a\n");
        assertThat(f.sh.exitRequested()).isTrue();
    }

    @Test
    void helpListsEveryCommand() {
        Fixture f = new Fixture();
        f.run("help");
        for (String c : f.sh.commandNames()) {
            assertThat(f.out()).contains("  " + c + " ");
        }
        assertThat(f.sh.commandNames()).contains("cat", "grep", "head", "tail", "wc", "sort", "cut", "uniq", "watch");
    }

    @Test
    void anInterruptedSleepStopsTheLineWith130() {
        Fixture f = new Fixture();
        Thread.currentThread().interrupt();
        assertThat(f.run("sleep 5; echo after")).isEqualTo(Interpreter.STATUS_INTERRUPTED);
        assertThat(f.out()).doesNotContain("after");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
}

package io.jcma.cli.shell;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** watch without a terminal: each run after a header line, bounded by -c. */
class WatchTest {
    @Test
    void eachRunFollowsAHeaderLine() {
        Fixture f = new Fixture();
        AtomicInteger reads = new AtomicInteger();
        f.fs.registerFile("/sys/counter", () -> reads.incrementAndGet() + "\n", null);
        assertThat(f.run("watch -n 0.1 -c 3 cat /sys/counter")).isZero();
        assertThat(f.out()).isEqualTo("""
                Every 0.1s: cat /sys/counter

                1
                Every 0.1s: cat /sys/counter

                2
                Every 0.1s: cat /sys/counter

                3
                """);
    }

    @Test
    void aQuotedPipelineIsWatchedWhole() {
        Fixture f = new Fixture();
        assertThat(f.run("watch -n 0.1 -c 1 'cat /proc/meminfo | grep CmaFree'")).isZero();
        assertThat(f.out()).isEqualTo("Every 0.1s: cat /proc/meminfo | grep CmaFree\n\nCmaFree:           32768 kB\n");
    }

    @Test
    void minusTDropsTheHeaderAndTheStatusIsTheLastRuns() {
        Fixture f = new Fixture();
        assertThat(f.run("watch -t -c 2 -n 0 grep nothing /proc/meminfo")).isEqualTo(1);
        assertThat(f.out()).isEmpty();
    }

    @Test
    void errorsOfTheCommandAreShownInTheRun() {
        Fixture f = new Fixture();
        f.run("watch -c 1 cat /nope");
        assertThat(f.out()).isEqualTo("Every 2.0s: cat /nope\n\ncat: /nope: No such file or directory\n");
    }

    @Test
    void watchInsideAPipelineIsRefused() {
        Fixture f = new Fixture();
        assertThat(f.run("watch cat /proc/meminfo | grep Cma")).isEqualTo(2);
        assertThat(f.err()).startsWith("jcma: watch: cannot be part of a pipeline");
    }

    @Test
    void badOptionsAreStatus1() {
        Fixture f = new Fixture();
        assertThat(f.run("watch -n x cat /proc/meminfo")).isEqualTo(1);
        assertThat(f.run("watch -c 0 cat /proc/meminfo")).isEqualTo(1);
        assertThat(f.run("watch")).isEqualTo(1);
        assertThat(f.err()).contains("watch: failed to parse argument: 'x'",
                "watch: count: '0' (expected: a positive number of runs)", "Usage: watch");
    }

    @Test
    void theCommandsOwnOptionsAreNotWatchsOwn() {
        Fixture f = new Fixture();
        assertThat(f.run("watch -c 1 -t grep -c Cma /proc/meminfo")).isZero();
        assertThat(f.out()).isEqualTo("2\n");
    }
}

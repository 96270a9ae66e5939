package io.jcma.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** ./jcma mount DIR -- COMMAND: the user's own tools on the machine's files while it runs. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MountCommandTest {
    @TempDir
    Path dir;

    @AfterEach
    void noStaleMount() throws Exception {
        MountHost.forceUnmount(dir);
    }

    @Test
    void aScriptReadsAndAllocatesThroughTheMountThenItIsGone() throws Exception {
        MountHost.assumeFuse();
        String d = dir.toString();
        Jcma.Run r = Jcma.run("mount", d, "--mem", "1G", "--cmdline", "cma=32M", "--", "/bin/sh", "-c",
                "grep Cma " + d + "/proc/meminfo; echo 100 > " + d + "/sys/kernel/debug/cma/reserved/alloc; "
                        + "cat " + d + "/sys/kernel/debug/cma/reserved/used; grep CmaFree " + d + "/proc/meminfo");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("CmaTotal:          32768 kB\nCmaFree:           32768 kB\n100\n"
                + "CmaFree:           32368 kB\n");
        assertThat(r.err()).contains("jcma: the machine's /proc, /sys and /sys/kernel/debug are at " + dir.toRealPath());
        assertThat(MountHost.mounted(dir)).isFalse();
    }

    @Test
    void theCommandsStatusIsJcmas() throws Exception {
        MountHost.assumeFuse();
        Jcma.Run r = Jcma.run("mount", dir.toString(), "--mem", "256M", "--", "/bin/sh", "-c",
                "cat " + dir + "/sys/kernel/debug/nope; exit 3");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("No such file or directory");
        assertThat(MountHost.mounted(dir)).isFalse();
    }

    @Test
    void aMissingDirectoryIsReported() {
        MountHost.assumeFuse();
        Jcma.Run r = Jcma.run("mount", dir.resolve("nope").toString(), "--mem", "256M", "--", "true");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("jcma: mount: " + dir.resolve("nope") + ": No such file or directory");
    }
}

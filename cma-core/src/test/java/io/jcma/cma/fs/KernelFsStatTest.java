package io.jcma.cma.fs;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** KernelFs.stat: what the FUSE mount reports as st_mode. */
class KernelFsStatTest {
    private static KernelFs tree() {
        KernelFs fs = KernelFs.create();
        fs.registerFile("/sys/a/ro", () -> "1\n", null);
        fs.registerFile("/sys/a/wo", null, v -> { });
        fs.registerFile("/sys/a/rw", () -> "1\n", v -> { });
        return fs;
    }

    @Test
    void aDirectoryIsADirectory() {
        assertThat(tree().stat("/sys/a")).isEqualTo(new KernelFs.Stat(true, true, false));
        assertThat(tree().stat("/")).isEqualTo(new KernelFs.Stat(true, true, false));
    }

    @Test
    void filesSayWhetherTheyCanBeReadAndWritten() {
        KernelFs fs = tree();
        assertThat(fs.stat("/sys/a/ro")).isEqualTo(new KernelFs.Stat(false, true, false));
        assertThat(fs.stat("/sys/a/wo")).isEqualTo(new KernelFs.Stat(false, false, true));
        assertThat(fs.stat("/sys/a/rw")).isEqualTo(new KernelFs.Stat(false, true, true));
    }

    @Test
    void aMissingPathIsEnoent() {
        assertThatThrownBy(() -> tree().stat("/sys/a/nope"))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
    }

    @Test
    void aPathThroughAFileIsEnotdir() {
        assertThatThrownBy(() -> tree().stat("/sys/a/ro/x"))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOTDIR));
    }
}

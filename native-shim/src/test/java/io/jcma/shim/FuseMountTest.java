package io.jcma.shim;

import io.jcma.cma.Cma;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import io.jcma.cma.fs.KernelFs;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A booted machine's pseudo files through a real FUSE mount, read and written with ordinary file I/O. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FuseMountTest {
    private static final String DEBUGFS = "sys/kernel/debug/cma/reserved/";

    @TempDir
    Path dir;
    private Machine machine;
    private FuseMount mount;

    @BeforeEach
    void boot() {
        FuseHost.assumeUsable();
        machine = Machine.boot(Platform.builder().mem(256L << 20).cmdline("cma=32M").build());
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            if (mount != null) {
                mount.close();
            }
        } finally {
            FuseHost.forceUnmount(dir);
            if (machine != null) {
                machine.close();
            }
        }
    }

    private Cma area() {
        return machine.cma().areas().getFirst();
    }

    private static String exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + ":" + out;
    }

    @Test
    void meminfoAndDebugfsReadAndAllocWritesThroughTheMountThenItUnmounts() throws Exception {
        mount = FuseMount.mount(machine.fs(), dir, false);
        assertThat(FuseHost.isMountPoint(dir)).isTrue();

        String meminfo = Files.readString(dir.resolve("proc/meminfo"));
        assertThat(meminfo).isEqualTo(machine.fs().read("/proc/meminfo")).contains("CmaTotal:          32768 kB\n");
        assertThat(Files.readString(dir.resolve(DEBUGFS + "count"))).isEqualTo("8192\n");
        assertThat(exec("/bin/cat", dir.resolve("proc/meminfo").toString())).isEqualTo("0:" + meminfo);

        Files.writeString(dir.resolve(DEBUGFS + "alloc"), "100\n");
        assertThat(area().used()).isEqualTo(100);
        assertThat(Files.readString(dir.resolve(DEBUGFS + "used"))).isEqualTo("100\n");

        mount.close();
        assertThat(FuseHost.isMountPoint(dir)).isFalse();
        assertThat(mount.join(10_000)).isTrue();
        assertThat(mount.loopResult()).contains(0);
    }

    @Test
    void theUsersOwnShellGrepAndRedirectionWork() throws Exception {
        mount = FuseMount.mount(machine.fs(), dir, false);
        assertThat(exec("grep", "Cma", dir.resolve("proc/meminfo").toString()))
                .isEqualTo("0:CmaTotal:          32768 kB\nCmaFree:           32768 kB\n");
        // the shell opens with O_TRUNC, then one write(2) of "64\n"
        assertThat(exec("/bin/sh", "-c", "echo 64 > " + dir.resolve(DEBUGFS + "alloc"))).isEqualTo("0:");
        assertThat(area().used()).isEqualTo(64);
        // bash names the errno (dash says "I/O error" for every failed write)
        assertThat(exec("/bin/bash", "-c", "echo x > " + dir.resolve(DEBUGFS + "alloc")))
                .startsWith("1:").contains("echo: write error: Invalid argument");
        assertThat(exec("/bin/sh", "-c", "ls " + dir.resolve("sys/kernel/debug/cma/reserved")))
                .isEqualTo("0:alloc\nbase_pfn\nbitmap\ncount\nfree\nmaxchunk\norder_per_bit\nused\n");
    }

    @Test
    void modesAreDebugfssAndFilesHaveNoSize() throws Exception {
        mount = FuseMount.mount(machine.fs(), dir, false);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(DEBUGFS + "alloc"))))
                .isEqualTo("-w-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(DEBUGFS + "count"))))
                .isEqualTo("r--r--r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("sys/kernel/debug"))))
                .isEqualTo("rwxr-xr-x");
        assertThat(Files.isRegularFile(dir.resolve("proc/meminfo"))).isTrue();
        assertThat(Files.size(dir.resolve("proc/meminfo"))).isZero();
        try (var names = Files.list(dir)) {
            assertThat(names.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("proc", "sys");
        }
    }

    @Test
    void refusalsAreTheKernelsErrnos() throws Exception {
        mount = FuseMount.mount(machine.fs(), dir, false);
        assertThatThrownBy(() -> Files.readString(dir.resolve(DEBUGFS + "alloc"))).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> Files.writeString(dir.resolve(DEBUGFS + "count"), "1"))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> Files.writeString(dir.resolve(DEBUGFS + "new"), "1"))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> Files.readString(dir.resolve("proc/nope"))).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> Files.createDirectory(dir.resolve("proc/d"))).hasMessageContaining("Operation not permitted");
        assertThatThrownBy(() -> Files.delete(dir.resolve("proc/meminfo"))).hasMessageContaining("Operation not permitted");
        assertThatThrownBy(() -> Files.writeString(dir.resolve(DEBUGFS + "alloc"), "99999999"))
                .hasMessageContaining("Cannot allocate memory");
        assertThat(area().used()).isZero();
    }

    @Test
    void aFailingFileIsAnIoErrorAndTheMountStaysUp() throws Exception {
        KernelFs fs = KernelFs.create();
        fs.registerFile("/proc/broken", () -> {
            throw new IllegalStateException("machine closed");
        }, null);
        fs.registerFile("/proc/errno", () -> {
            throw new ErrnoException(Errno.ENODEV, "gone");
        }, null);
        fs.registerFile("/proc/ok", () -> "ok\n", null);
        mount = FuseMount.mount(fs, dir, false);
        assertThatThrownBy(() -> Files.readString(dir.resolve("proc/broken"))).hasMessageContaining("Input/output error");
        assertThatThrownBy(() -> Files.readString(dir.resolve("proc/errno"))).hasMessageContaining("No such device");
        assertThat(Files.readString(dir.resolve("proc/ok"))).isEqualTo("ok\n");
    }

    @Test
    void aClosedMachineAnswersItsFilesWithoutCrashing() throws Exception {
        mount = FuseMount.mount(machine.fs(), dir, false);
        machine.close();
        List<String> seen = new ArrayList<>();
        for (String p : List.of("proc/meminfo", DEBUGFS + "bitmap", DEBUGFS + "used")) {
            try {
                seen.add(Files.readString(dir.resolve(p)).isEmpty() ? "empty" : "text");
            } catch (IOException e) {
                seen.add(e.getMessage());
            }
        }
        // each file either still answers from Java state or is EIO: never a hung or crashed mount
        assertThat(seen).hasSize(3).allMatch(s -> s.equals("text") || s.contains("Input/output error"));
        assertThat(Files.readString(dir.resolve(DEBUGFS + "count"))).isEqualTo("8192\n");
    }

    @Test
    void aBusyMountIsDetachedLazilyAndEndsWithItsLastFile() throws Exception {
        mount = FuseMount.mount(machine.fs(), dir, false);
        try (FileChannel c = FileChannel.open(dir.resolve(DEBUGFS + "count"), StandardOpenOption.READ)) {
            assertThat(mount.openFiles()).isEqualTo(1);
            mount.close();
            assertThat(FuseHost.isMountPoint(dir)).isFalse();
            // as after umount -l: the open file is still served
            ByteBuffer b = ByteBuffer.allocate(64);
            assertThat(c.read(b, 0)).isEqualTo(5);
            assertThat(new String(b.array(), 0, 5, StandardCharsets.US_ASCII)).isEqualTo("8192\n");
            assertThat(mount.loopResult()).isEmpty();
        }
        assertThat(mount.join(10_000)).isTrue();
        assertThat(mount.loopResult()).contains(0);
    }

    @Test
    void concurrentReadersAndWritersThroughTheMount() throws Exception {
        mount = FuseMount.mount(machine.fs(), dir, false);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> readers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                readers.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 50; i++) {
                        String m = Files.readString(dir.resolve("proc/meminfo"));
                        ok += m.startsWith("MemTotal:") && m.contains("CmaFree:") ? 1 : 0;
                    }
                    return ok;
                }));
            }
            Future<?> writer = pool.submit(() -> {
                for (int i = 0; i < 40; i++) {
                    Files.writeString(dir.resolve(DEBUGFS + "alloc"), "2\n");
                }
                return null;
            });
            writer.get(60, TimeUnit.SECONDS);
            for (Future<Integer> r : readers) {
                assertThat(r.get(60, TimeUnit.SECONDS)).isEqualTo(50);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(area().used()).isEqualTo(80);
        assertThat(Files.readString(dir.resolve(DEBUGFS + "used"))).isEqualTo("80\n");
        assertThat(machine.fs().read("/proc/meminfo")).contains("CmaFree:           32448 kB");
    }

    @Test
    void aMissingMountPointIsEnoentAndAFileIsEnotdir() throws IOException {
        assertThatThrownBy(() -> FuseMount.mount(machine.fs(), dir.resolve("nope"), false))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
        Path f = Files.writeString(dir.resolve("f"), "x");
        assertThatThrownBy(() -> FuseMount.mount(machine.fs(), f, false))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOTDIR));
    }

    @Test
    void closeTwiceIsHarmless() throws Exception {
        mount = FuseMount.mount(machine.fs(), dir, false);
        mount.close();
        mount.close();
        assertThat(FuseHost.isMountPoint(dir)).isFalse();
    }
}

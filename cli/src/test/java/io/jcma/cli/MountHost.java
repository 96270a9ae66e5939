package io.jcma.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * For ./jcma mount's tests: whether FUSE works here, from the host alone (/dev/fuse openable
 * read-write, libfuse3.so.3 known to the dynamic linker, root or fusermount3), and removal of a
 * mount a failed test left behind.
 */
final class MountHost {
    private MountHost() {
    }

    static void assumeFuse() {
        Optional<String> why = why();
        assumeTrue(why.isEmpty(), () -> why.orElseThrow());
    }

    private static Optional<String> why() {
        try (FileChannel c = FileChannel.open(Path.of("/dev/fuse"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            c.isOpen();
        } catch (IOException | SecurityException e) {
            return Optional.of("/dev/fuse cannot be opened read-write (" + e + ")");
        }
        if (!sh("ldconfig -p | grep -q 'libfuse3.so.3 '")) {
            return Optional.of("libfuse3.so.3 is not installed (apt-get install fuse3 libfuse3-3)");
        }
        if (!sh("[ \"$(id -u)\" = 0 ] || command -v fusermount3")) {
            return Optional.of("not root and no fusermount3 (apt-get install fuse3)");
        }
        return Optional.empty();
    }

    private static boolean sh(String script) {
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether {@code dir} is a mount point, by /proc/self/mountinfo (mountpoint(1) reads the same). */
    static boolean mounted(Path dir) throws IOException {
        String d = dir.toRealPath().toString();
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" "))
                .anyMatch(f -> f.length > 4 && f[4].replace("\\040", " ").equals(d));
    }

    static void forceUnmount(Path dir) throws IOException {
        for (List<String> cmd : List.of(List.of("fusermount3", "-u", "-z", dir.toString()),
                List.of("umount", "-l", dir.toString()))) {
            if (!mounted(dir)) {
                return;
            }
            sh(String.join(" ", cmd));
        }
    }
}

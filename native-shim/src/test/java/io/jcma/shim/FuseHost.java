package io.jcma.shim;

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
 * Whether this host can mount FUSE, decided from the host alone (never by the code under test):
 * /dev/fuse openable read-write, libfuse3.so.3 in a library directory, and root or fusermount3.
 * Also the clean-up a failed test needs so that no stale mount stays behind.
 */
final class FuseHost {
    private FuseHost() {
    }

    private static final List<String> LIB_DIRS = List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
            "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib",
            "/usr/local/lib");

    static Optional<String> unusable() {
        Path dev = Path.of("/dev/fuse");
        if (!Files.exists(dev)) {
            return Optional.of("no /dev/fuse on this host (modprobe fuse; in a container: --device /dev/fuse)");
        }
        try (FileChannel c = FileChannel.open(dev, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            // openable is all FUSE needs of it here
        } catch (IOException | SecurityException e) {
            return Optional.of("/dev/fuse cannot be opened read-write: " + e.getMessage());
        }
        if (LIB_DIRS.stream().noneMatch(d -> Files.exists(Path.of(d, "libfuse3.so.3")))) {
            return Optional.of("libfuse3.so.3 is not installed (apt-get install fuse3 libfuse3-3)");
        }
        if (!Host.isRoot() && !onPath("fusermount3")) {
            return Optional.of("not root and no fusermount3 on PATH (apt-get install fuse3)");
        }
        return Optional.empty();
    }

    static void assumeUsable() {
        Optional<String> why = unusable();
        assumeTrue(why.isEmpty(), () -> why.orElseThrow());
    }

    private static boolean onPath(String cmd) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String d : path.split(":")) {
            if (Files.isExecutable(Path.of(d, cmd))) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code dir} is a mount point now, by /proc/self/mountinfo. */
    static boolean isMountPoint(Path dir) throws IOException {
        String d = dir.toRealPath().toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4 && FuseMount.unescape(f[4]).equals(d)) {
                return true;
            }
        }
        return false;
    }

    /** Removes a mount a failed test may have left: fusermount3 -u -z, then umount -l. */
    static void forceUnmount(Path dir) throws IOException, InterruptedException {
        if (!isMountPoint(dir)) {
            return;
        }
        for (List<String> cmd : List.of(List.of("fusermount3", "-u", "-z", dir.toString()),
                List.of("umount", "-l", dir.toString()))) {
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (IOException e) {
                // the other one may be there
            }
            if (!isMountPoint(dir)) {
                return;
            }
        }
    }
}

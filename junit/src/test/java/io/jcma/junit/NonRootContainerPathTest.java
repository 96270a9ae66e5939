package io.jcma.junit;

import io.jcma.junit.fixtures.HugepageMachine;
import io.jcma.junit.internal.Classpath;
import io.jcma.junit.testing.DockerApi;
import io.jcma.junit.testing.HostHugepages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A user without CAP_SYS_ADMIN gets real pfns through the container path: as root, this test
 * starts a child JVM as nobody (uid/gid 65534, its only group the one that owns the Docker
 * socket, as a user in the docker group has) on a world-readable copy of the class path, and
 * runs {@link HugepageMachine} there (AUTO placement). The child must see itself without the
 * capability, the test must pass in the container, and the pfn it reports must be physical
 * memory by this (root) JVM's own reading of /proc/iomem.
 */
class NonRootContainerPathTest {
    private static final Pattern PROBE = Pattern.compile("jcma-probe: pfn=0x([0-9a-f]+) pages=(\\d+) inside=(\\w+)");

    @Test
    void nobodyGetsRealPfnsFromAHugepageBackedMachine(@TempDir Path tmp) throws Exception {
        assumeTrue(uid() == 0, "needs root to start a child JVM as another user (uid " + uid() + ")");
        Path setpriv = Path.of("/usr/bin/setpriv");
        assumeTrue(Files.isExecutable(setpriv), "needs " + setpriv + " (util-linux) to drop to uid 65534");
        DockerApi.assumeEngineWithImage();
        HostHugepages.assumeAvailable(4);
        Path socket = DockerApi.socket();
        int socketGid = (Integer) Files.getAttribute(socket, "unix:gid");
        List<Path> classpath = readableCopy(Classpath.current(), tmp);
        // Its home and working directory (jqwik writes its database there).
        Path work = Files.createDirectory(tmp.resolve("home"));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwxrwx"));

        ChildJvm.Result r = ChildJvm.run(
                List.of(setpriv.toString(), "--reuid", "65534", "--regid", "65534", "--groups",
                        Integer.toString(socketGid), "--"),
                Map.of("HOME", work.toString()), work, classpath,
                List.of("-Duser.home=" + work, "-D" + PhysicalAddresses.IMAGE_PROPERTY + "=" + DockerApi.image()),
                HugepageMachine.class.getName());

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.lines()).as("who the child is").contains("uid=65534 capeff=0x0");
        assertThat(r.lines()).filteredOn(l -> l.contains("[method:cmaOnAHugepageBackedMachineHandsOutRealPfns()]"))
                .singleElement().satisfies(l -> assertThat(l).startsWith("SUCCESSFUL "));
        Matcher m = PROBE.matcher(r.out());
        assertThat(m.find()).as("the probe's line in %s", r.out()).isTrue();
        long pfn = Long.parseLong(m.group(1), 16);
        assertThat(m.group(3)).as("ran inside the container").isEqualTo("true");
        assertThat(pfn).isPositive();
        assertThat(systemRamContains(pfn << 12)).as("pfn 0x%x in System RAM of /proc/iomem", pfn).isTrue();
    }

    /** Copies the class path under {@code dir} (0755 dirs, 0644 files): ~/.m2 of root is 0700. */
    private static List<Path> readableCopy(List<Path> entries, Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Path from = entries.get(i);
            Path to = dir.resolve(String.format("%03d-%s", i, from.getFileName()));
            try (Stream<Path> all = Files.walk(from)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    Path t = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(t);
                        Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwxr-xr-x"));
                    } else {
                        Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rw-r--r--"));
                    }
                }
            }
            out.add(to);
        }
        return out;
    }

    /** Whether /proc/iomem (as root: real addresses) lists {@code phys} inside a System RAM range. */
    private static boolean systemRamContains(long phys) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/iomem"))) {
            if (!line.startsWith(" ") && line.endsWith(": System RAM")) {
                String[] range = line.substring(0, line.indexOf(' ')).split("-");
                long start = Long.parseUnsignedLong(range[0], 16);
                long end = Long.parseUnsignedLong(range[1], 16);
                if (phys >= start && phys <= end) {
                    return true;
                }
            }
        }
        return false;
    }

    private static long uid() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                .mapToLong(l -> Long.parseLong(l.split("\\s+")[1])).findFirst().orElse(-1);
    }
}

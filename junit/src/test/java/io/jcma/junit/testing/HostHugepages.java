package io.jcma.junit.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Free 2 MiB hugepages of the host, read from sysfs by the tests themselves. */
public final class HostHugepages {
    private static final Path POOL = Path.of("/sys/kernel/mm/hugepages/hugepages-2048kB");

    private HostHugepages() {
    }

    public static long available() {
        try {
            return Long.parseLong(Files.readString(POOL.resolve("free_hugepages")).strip())
                    - Long.parseLong(Files.readString(POOL.resolve("resv_hugepages")).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** Why {@code pages} 2 MiB hugepages are not free, if they are not. */
    public static Optional<String> missing(long pages) {
        long have = available();
        return have >= pages ? Optional.empty() : Optional.of("needs " + pages + " free 2M hugepages, " + have
                + " available in " + POOL + " (as root: echo 64 > /proc/sys/vm/nr_hugepages)");
    }

    /** Skips unless {@code pages} 2 MiB hugepages are free (the container shares the host's pool). */
    public static void assumeAvailable(long pages) {
        Optional<String> why = missing(pages);
        assumeTrue(why.isEmpty(), () -> why.orElseThrow());
    }
}

package io.jcma.shim;

import io.jcma.cma.kernel.ErrnoException;
import io.jcma.shim.internal.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the host must offer for the tests that touch real hugepages, and why they skip when it
 * does not: the reasons are computed, so a test can force each path and check its text.
 */
final class Host {
    private Host() {
    }

    /** Why {@code pages} hugetlb pages of {@code size} cannot be mapped from {@code pools}, if so. */
    static Optional<String> hugepagesMissing(Hugepages pools, HugepageSize size, long pages) {
        if (!pools.supports(size)) {
            return Optional.of("no " + size.sysfsName() + " pool under " + pools.root() + " (host without " + size
                    + " hugepages)");
        }
        long avail = pools.pool(size).available();
        if (avail < pages) {
            return Optional.of("needs " + pages + " free " + size.sysfsName() + " pages, " + avail
                    + " available (as root: echo 64 > /proc/sys/vm/nr_hugepages)");
        }
        return Optional.empty();
    }

    /** Why physical addresses cannot be read through {@code pagemap}, if so. */
    static Optional<String> physicalAddressesHidden(Pagemap pagemap) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment page = a.allocate(4096, 4096);
            page.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 1);
            pagemap.translate(page);
            return Optional.empty();
        } catch (ErrnoException e) {
            return Optional.of(e.getMessage());
        }
    }

    static void assumePhysicalAddresses() {
        try (Pagemap pm = Pagemap.openSelf()) {
            Optional<String> why = physicalAddressesHidden(pm);
            assumeTrue(why.isEmpty(), () -> why.orElseThrow());
        }
    }

    static void assumeHugepages(HugepageSize size, long pages) {
        Optional<String> why = hugepagesMissing(Hugepages.system(), size, pages);
        assumeTrue(why.isEmpty(), () -> why.orElseThrow());
    }

    static void assumeRoot() {
        assumeTrue(isRoot(), "needs root (uid 0) to read /proc/kpageflags and write nr_hugepages");
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name")) || uid() == 0;
    }

    private static long uid() {
        try {
            for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (l.startsWith("Uid:")) {
                    return Long.parseLong(l.split("\\s+")[2]);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The kernel's page size as sysconf sees it, to check the binding. */
    static long pageSize() {
        return Libc.sysconf(Libc.SC_PAGESIZE);
    }
}

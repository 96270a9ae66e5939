package io.jcma.junit.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What this process may see of physical memory, read from the host alone (never through the
 * native shim under test): its effective capabilities (CapEff in /proc/self/status), whether
 * /proc/self/pagemap can be opened, and the hugetlb pools under /sys/kernel/mm/hugepages.
 *
 * <p>pagemap_read() in fs/proc/task_mmu.c fills in the PFN field only when the opener has
 * CAP_SYS_ADMIN (file_ns_capable at open, since Linux 4.2); everyone else reads PFN 0.
 *
 * @param capEff          the effective capability mask
 * @param pagemapReadable whether pagemap can be opened for reading
 * @param hugepages       the directory laid out like /sys/kernel/mm/hugepages
 */
public record HostFacts(long capEff, boolean pagemapReadable, Path hugepages) {
    /** include/uapi/linux/capability.h. */
    static final int CAP_SYS_ADMIN = 21;
    static final Path SYSFS_HUGEPAGES = Path.of("/sys/kernel/mm/hugepages");

    /** This process, now. */
    public static HostFacts self() {
        return read(Path.of("/proc/self/status"), Path.of("/proc/self/pagemap"), SYSFS_HUGEPAGES);
    }

    static HostFacts read(Path status, Path pagemap, Path hugepages) {
        long cap;
        try {
            cap = capEff(Files.readString(status));
        } catch (IOException | IllegalArgumentException e) {
            cap = 0;
        }
        return new HostFacts(cap, Files.isReadable(pagemap), hugepages);
    }

    /**
     * The CapEff mask of a /proc/PID/status text.
     *
     * @throws IllegalArgumentException if the text has no CapEff line of hex digits
     */
    static long capEff(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("CapEff:")) {
                String hex = line.substring("CapEff:".length()).strip();
                try {
                    return Long.parseUnsignedLong(hex, 16);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("CapEff: " + hex + " (expected: hex mask)");
                }
            }
        }
        throw new IllegalArgumentException("CapEff: missing (expected: a line CapEff:\\t<hex>)");
    }

    public boolean capSysAdmin() {
        return (capEff >>> CAP_SYS_ADMIN & 1) != 0;
    }

    /** Why pagemap shows this process PFN 0 (or nothing), if it does. */
    public Optional<String> physicalAddressesHidden() {
        if (!capSysAdmin()) {
            return Optional.of("CapEff 0x" + Long.toHexString(capEff)
                    + " lacks CAP_SYS_ADMIN (bit 21): /proc/self/pagemap shows pfn 0");
        }
        if (!pagemapReadable) {
            return Optional.of("/proc/self/pagemap is not readable");
        }
        return Optional.empty();
    }

    /**
     * Why {@code pages} hugetlb pages of {@code bytes} cannot be mapped now, if so: the pool is
     * missing or has fewer than that free and unreserved (free_hugepages - resv_hugepages).
     */
    public Optional<String> hugepagesMissing(long bytes, long pages) {
        if (pages <= 0) {
            return Optional.empty();
        }
        String name = "hugepages-" + (bytes >>> 10) + "kB";
        Path dir = hugepages.resolve(name);
        if (!Files.isDirectory(dir)) {
            return Optional.of("needs " + pages + " " + sizeText(bytes) + " hugepages: no " + dir
                    + " (host without " + sizeText(bytes) + " hugepages)");
        }
        long free = number(dir.resolve("free_hugepages"));
        long resv = number(dir.resolve("resv_hugepages"));
        long available = Math.max(0, free - Math.max(0, resv));
        if (available < pages) {
            return Optional.of("needs " + pages + " free " + name + " pages, " + available
                    + " available (free_hugepages=" + free + " resv_hugepages=" + resv
                    + "; as root: echo 64 > /proc/sys/vm/nr_hugepages)");
        }
        return Optional.empty();
    }

    private static long number(Path f) {
        try {
            return Long.parseLong(Files.readString(f).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    static String sizeText(long bytes) {
        return bytes >= 1L << 30 ? (bytes >>> 30) + "G" : (bytes >>> 20) + "M";
    }
}

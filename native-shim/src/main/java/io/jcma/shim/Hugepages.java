package io.jcma.shim;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The host's hugetlb pools: which huge page sizes exist and how many pages each pool holds,
 * read from /sys/kernel/mm/hugepages, and (as root, when asked) a change of nr_hugepages that
 * is undone on {@link Reservation#close()}.
 */
public final class Hugepages {
    private static final Path SYSFS = Path.of("/sys/kernel/mm/hugepages");

    private final Path root;

    private Hugepages(Path root) {
        this.root = root;
    }

    /** The running host's pools. */
    public static Hugepages system() {
        return new Hugepages(SYSFS);
    }

    /** Pools read from another directory laid out like /sys/kernel/mm/hugepages (for tests). */
    public static Hugepages at(Path root) {
        return new Hugepages(root);
    }

    public Path root() {
        return root;
    }

    /** The huge page sizes the host supports, smallest first; empty without hugetlbfs. */
    public List<HugepageSize> sizes() {
        List<HugepageSize> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> s = Files.list(root)) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("hugepages-\\d+kB"))
                    .forEach(n -> out.add(HugepageSize.parse(n.substring("hugepages-".length()))));
        } catch (IOException e) {
            throw new ErrnoException(Errno.EIO, "hugepages: cannot list " + root + ": " + e.getMessage());
        }
        out.sort(Comparator.comparingLong(HugepageSize::bytes));
        return out;
    }

    /** Whether the host has a pool of {@code size} pages. */
    public boolean supports(HugepageSize size) {
        return Files.isDirectory(root.resolve(size.sysfsName()));
    }

    /**
     * The pool of {@code size} pages.
     *
     * @throws ErrnoException ENOENT if the host has no such pool
     */
    public HugepagePool pool(HugepageSize size) {
        Path d = dir(size);
        return new HugepagePool(size, read(d.resolve("nr_hugepages")), read(d.resolve("free_hugepages")),
                read(d.resolve("resv_hugepages")), read(d.resolve("surplus_hugepages")));
    }

    /** Every pool, smallest page size first. */
    public List<HugepagePool> pools() {
        return sizes().stream().map(this::pool).toList();
    }

    /**
     * Sets nr_hugepages of the {@code size} pool, as {@code echo N > .../nr_hugepages} does, and
     * returns what the pool then holds (the kernel may give fewer pages than asked for when
     * memory is fragmented).
     *
     * @throws IllegalArgumentException if n is negative
     * @throws ErrnoException EACCES when not root, ENOENT if the host has no such pool
     */
    public long setNrHugepages(HugepageSize size, long n) {
        if (n < 0) {
            throw new IllegalArgumentException("nr_hugepages: " + n + " (expected: >= 0)");
        }
        Path f = dir(size).resolve("nr_hugepages");
        try {
            Files.writeString(f, Long.toString(n));
        } catch (AccessDeniedException e) {
            throw new ErrnoException(Errno.EACCES, "hugepages: cannot write " + f + " (needs root)");
        } catch (IOException e) {
            throw new ErrnoException(Errno.EIO, "hugepages: cannot write " + f + "=" + n + ": " + e.getMessage());
        }
        return read(f);
    }

    /**
     * Makes sure at least {@code pages} pages of {@code size} are available, raising
     * nr_hugepages by what is missing. Nothing changes when enough are available already.
     * {@link Reservation#close()} restores the old nr_hugepages if this call changed it.
     *
     * @throws IllegalArgumentException if pages is not positive
     * @throws ErrnoException EACCES when pages are missing and this process cannot write sysfs;
     *                        ENOMEM when the kernel could not find enough memory (the change is
     *                        undone first)
     */
    public Reservation reserve(HugepageSize size, long pages) {
        if (pages <= 0) {
            throw new IllegalArgumentException("pages: " + pages + " (expected: > 0)");
        }
        HugepagePool before = pool(size);
        long missing = pages - before.available();
        if (missing <= 0) {
            return new Reservation(this, size, before.total(), before.total());
        }
        long got = setNrHugepages(size, before.total() + missing);
        Reservation r = new Reservation(this, size, before.total(), got);
        if (pool(size).available() < pages) {
            r.close();
            throw new ErrnoException(Errno.ENOMEM, "hugepages: asked nr_hugepages=" + (before.total() + missing)
                    + " of " + size.sysfsName() + ", kernel gave " + got + " (memory too fragmented?)");
        }
        return r;
    }

    /** The default huge page size (Hugepagesize in /proc/meminfo), or 2M if it cannot be read. */
    public static HugepageSize defaultSize() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            Optional<String> l = lines.filter(s -> s.startsWith("Hugepagesize:")).findFirst();
            if (l.isPresent()) {
                String[] w = l.get().split("\\s+");
                return HugepageSize.parse(w[1] + "kB");
            }
        } catch (IOException | RuntimeException e) {
            return HugepageSize.SIZE_2M;
        }
        return HugepageSize.SIZE_2M;
    }

    private Path dir(HugepageSize size) {
        Path d = root.resolve(size.sysfsName());
        if (!Files.isDirectory(d)) {
            throw new ErrnoException(Errno.ENOENT, "hugepages: no pool " + d + " (sizes: " + sizes() + ")");
        }
        return d;
    }

    private static long read(Path f) {
        try {
            return Long.parseLong(Files.readString(f).strip());
        } catch (NoSuchFileException e) {
            throw new ErrnoException(Errno.ENOENT, "hugepages: no file " + f);
        } catch (IOException | NumberFormatException e) {
            throw new ErrnoException(Errno.EIO, "hugepages: cannot read " + f + ": " + e.getMessage());
        }
    }

    /**
     * A change of nr_hugepages, undone by {@link #close()}: writes the old value back (the
     * kernel then frees the pages nobody maps). Closing twice is an error.
     */
    public static final class Reservation implements AutoCloseable {
        private final Hugepages pools;
        private final HugepageSize size;
        private final long before;
        private final long after;
        private boolean closed;

        private Reservation(Hugepages pools, HugepageSize size, long before, long after) {
            this.pools = pools;
            this.size = size;
            this.before = before;
            this.after = after;
        }

        public HugepageSize size() {
            return size;
        }

        /** nr_hugepages before the reservation. */
        public long before() {
            return before;
        }

        /** nr_hugepages after it. */
        public long after() {
            return after;
        }

        /** Whether nr_hugepages was changed (and will be restored). */
        public boolean changed() {
            return before != after;
        }

        /**
         * Restores nr_hugepages if this reservation changed it.
         *
         * @throws IllegalStateException if already closed
         */
        @Override
        public synchronized void close() {
            if (closed) {
                throw new IllegalStateException("reservation already restored: " + size.sysfsName()
                        + " nr_hugepages=" + before);
            }
            closed = true;
            if (changed()) {
                pools.setNrHugepages(size, before);
            }
        }
    }
}

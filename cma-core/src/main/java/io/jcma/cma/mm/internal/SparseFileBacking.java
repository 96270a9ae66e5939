package io.jcma.cma.mm.internal;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.mm.MemoryBacking;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.VmapProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * RAM backed by sparse files on tmpfs, each created in /dev/shm, sized, mapped shared and
 * deleted at once: a 64 GiB bank costs only the pages that are touched, and the memory goes back
 * to the host when the mapping is closed. Not used on a disk-backed directory when /dev/shm
 * exists, since dirty pages would be written back to disk. Each file stays reachable through the
 * /proc/self/fd link of its open channel, so that a {@link VmapProvider} (the native shim's) can
 * map pages of several banks at consecutive addresses ({@link #vmap}).
 */
public final class SparseFileBacking implements MemoryBacking {
    private final Arena arena = Arena.ofShared();
    private final Path dir;
    private final List<FileChannel> channels = new ArrayList<>();
    private boolean closed;
    /** Whether every region's file has its /proc/self/fd link (false without /proc). */
    private volatile boolean linked = true;

    private SparseFileBacking(Path dir) {
        this.dir = dir;
    }

    /** See {@link MemoryBacking#sparseFile()}. */
    public static SparseFileBacking create() {
        Path shm = Path.of("/dev/shm");
        Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        return new SparseFileBacking(dir);
    }

    @Override
    public String name() {
        return "sparse-file";
    }

    @Override
    public synchronized Region map(long start, long bytes, int nid) {
        if (closed) {
            throw new IllegalStateException("backing closed: sparse-file");
        }
        if (bytes <= 0 || !Mm.isAligned(bytes, Mm.PAGE_SIZE)) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: positive multiple of 4096)");
        }
        try {
            Path file = Files.createTempFile(dir, "jcma-ram-", ".bank");
            FileChannel ch;
            Path fdLink;
            try {
                ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                fdLink = fdLink(file);
            } finally {
                Files.deleteIfExists(file);
            }
            channels.add(ch);
            linked &= fdLink != null;
            // map() grows the file to the mapped size without touching any page.
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
            return new SparseRegion(fdLink) {
                @Override
                public MemorySegment segment() {
                    return seg;
                }

                @Override
                public boolean canAlias() {
                    return true;
                }

                @Override
                public MemorySegment alias(long offset, long length, Arena scope) {
                    if (offset < 0 || length <= 0 || offset + length > bytes) {
                        throw new IndexOutOfBoundsException("alias: offset=" + offset + " length=" + length
                                + " (expected: within the region's " + bytes + " bytes)");
                    }
                    try {
                        // a second shared mapping of the same tmpfs pages: coherent with the first
                        return ch.map(FileChannel.MapMode.READ_WRITE, offset, length, scope);
                    } catch (IOException e) {
                        throw new ErrnoException(Errno.ENOMEM, "sparse-file backing: cannot alias offset=" + offset
                                + " length=" + length + ": " + e.getMessage());
                    }
                }
            };
        } catch (IOException e) {
            throw new ErrnoException(Errno.ENOMEM,
                    "sparse-file backing: cannot map bytes=" + bytes + " in " + dir + ": " + e.getMessage());
        }
    }

    /** A bank's region, with the /proc/self/fd link through which its deleted file can be opened again. */
    private abstract static class SparseRegion implements Region {
        final Path fdLink;

        SparseRegion(Path fdLink) {
            this.fdLink = fdLink;
        }
    }

    /**
     * The /proc/self/fd entry of the channel just opened on {@code file}, found while the file
     * still has its name; null where /proc is not there.
     */
    private static Path fdLink(Path file) {
        Path fds = Path.of("/proc/self/fd");
        Path want = file.toAbsolutePath();
        try (var entries = Files.list(fds)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                try {
                    if (Files.readSymbolicLink(p).equals(want)) {
                        return p;
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // an fd closed while listing, or not a link: not ours
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
        return null;
    }

    /** The native shim's, if it is on the module path. */
    private static final Optional<VmapProvider> VMAP = ServiceLoader.load(VmapProvider.class).findFirst();

    /** With the native shim, when every region's file can be opened again by its /proc/self/fd link. */
    @Override
    public boolean canVmap() {
        return VMAP.isPresent() && linked;
    }

    @Override
    public MemorySegment vmap(List<Piece> pieces, Arena scope) {
        if (VMAP.isEmpty()) {
            throw new UnsupportedOperationException("backing cannot vmap: sparse-file (no VmapProvider: the native shim"
                    + " is not on the module path)");
        }
        List<VmapProvider.FileRange> ranges = new ArrayList<>();
        for (Piece p : pieces) {
            if (!(p.region() instanceof SparseRegion r) || r.fdLink == null) {
                throw new IllegalArgumentException("vmap: a piece of " + p.region() + " (expected: a region of this"
                        + " sparse-file backing with its /proc/self/fd link)");
            }
            ranges.add(new VmapProvider.FileRange(r.fdLink, p.offset(), p.length()));
        }
        return VMAP.get().map(ranges, scope);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        arena.close();
        for (FileChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the file is already unlinked; nothing else to release
            }
        }
    }
}

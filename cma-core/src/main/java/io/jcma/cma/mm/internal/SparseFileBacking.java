package io.jcma.cma.mm.internal;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.mm.MemoryBacking;
import io.jcma.cma.mm.Mm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * RAM backed by sparse files on tmpfs, each created in /dev/shm, sized, mapped shared and
 * deleted at once: a 64 GiB bank costs only the pages that are touched, and the memory goes back
 * to the host when the mapping is closed. Not used on a disk-backed directory when /dev/shm
 * exists, since dirty pages would be written back to disk.
 */
public final class SparseFileBacking implements MemoryBacking {
    private final Arena arena = Arena.ofShared();
    private final Path dir;
    private final List<FileChannel> channels = new ArrayList<>();
    private boolean closed;

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
            try {
                ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } finally {
                Files.deleteIfExists(file);
            }
            channels.add(ch);
            // map() grows the file to the mapped size without touching any page.
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
            return new Region() {
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

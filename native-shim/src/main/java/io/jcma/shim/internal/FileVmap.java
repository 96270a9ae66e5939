package io.jcma.shim.internal;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.VmapProvider;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The native shim's {@link VmapProvider}, what vmap() / dma_common_pages_remap() do for a
 * kernel buffer of scattered pages: one address range reserved (PROT_NONE, MAP_NORESERVE), then
 * each file range mapped over its place in it with MAP_SHARED | MAP_FIXED, so that the pages
 * appear one after the other and stay the files' own pages. Any failure unmaps the whole range.
 */
public final class FileVmap implements VmapProvider {
    @Override
    public MemorySegment map(List<FileRange> ranges, Arena arena) {
        long total = 0;
        for (FileRange r : ranges) {
            if (r.length() <= 0 || !Mm.isAligned(r.offset() | r.length(), Mm.PAGE_SIZE) || r.offset() < 0) {
                throw new IllegalArgumentException("vmap: " + r + " (expected: offset and length page-aligned, length > 0)");
            }
            total = Math.addExact(total, r.length());
        }
        if (total == 0) {
            throw new IllegalArgumentException("vmap: no ranges (expected: at least one)");
        }
        long base = Libc.mmap(0, total, Libc.PROT_NONE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE, -1, 0);
        try {
            long at = base;
            for (FileRange r : ranges) {
                int fd = Libc.open(r.file().toString(), Libc.O_RDWR | Libc.O_CLOEXEC);
                try {
                    // the mapping holds the file; the fd is not needed afterwards
                    Libc.mmap(at, r.length(), Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED | Libc.MAP_FIXED, fd,
                            r.offset());
                } finally {
                    Libc.close(fd);
                }
                at += r.length();
            }
        } catch (ErrnoException e) {
            Libc.munmap(base, total);
            throw new ErrnoException(e.errno() == Errno.ENOENT ? Errno.ENOMEM : e.errno(), "vmap: " + e.getMessage());
        }
        return Libc.ownedSegment(base, total, arena);
    }
}

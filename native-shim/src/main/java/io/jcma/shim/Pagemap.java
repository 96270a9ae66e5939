package io.jcma.shim;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.mm.Mm;
import io.jcma.shim.internal.Libc;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Virtual-to-physical translation through /proc/self/pagemap: one 64-bit entry per virtual
 * page, at file offset {@code (va / PAGE_SIZE) * 8}.
 *
 * <pre>
 *  63 62 61 60..58 57 56 55 54                                              0
 * +--+--+--+------+--+--+--+------------------------------------------------+
 * |P |S |F |  0   |U |E |D |  PFN (when present and the reader may see it)   |
 * +--+--+--+------+--+--+--+------------------------------------------------+
 *  P present  S swapped  F file page or shared anon  U uffd-wp  E exclusively mapped  D soft-dirty
 * </pre>
 *
 * Since Linux 4.2 the PFN field reads as 0 unless the reader has CAP_SYS_ADMIN, so a present
 * page with PFN 0 means "not visible", never physical address 0. A page must be touched
 * (write-faulted) before its PFN means anything: an untouched page has none, and a page only
 * read so far maps the shared zero page, which a later write replaces. {@link #translate}
 * therefore write-faults (MADV_POPULATE_WRITE, contents kept) every page that is not already
 * present and exclusively mapped (bit E), then reads the entries again. Entries are read in
 * batches of up to {@value #BATCH} per pread(2).
 */
public final class Pagemap implements AutoCloseable {
    public static final long PFN_MASK = (1L << 55) - 1;
    public static final long SOFT_DIRTY = 1L << 55;
    public static final long EXCLUSIVE = 1L << 56;
    public static final long FILE_OR_SHARED = 1L << 61;
    public static final long SWAPPED = 1L << 62;
    public static final long PRESENT = 1L << 63;
    static final int BATCH = 1 << 16;

    /** A positional reader of pagemap bytes; FileChannel::read in production. */
    @FunctionalInterface
    interface Source {
        int read(ByteBuffer dst, long position) throws IOException;
    }

    private final Source source;
    private final AutoCloseable closer;
    private final String name;

    private Pagemap(Source source, AutoCloseable closer, String name) {
        this.source = source;
        this.closer = closer;
        this.name = name;
    }

    /**
     * Opens /proc/self/pagemap.
     *
     * @throws ErrnoException ENOENT without procfs, EACCES if it cannot be opened
     */
    public static Pagemap openSelf() {
        return open(Path.of("/proc/self/pagemap"));
    }

    static Pagemap open(Path file) {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            return new Pagemap(ch::read, ch, file.toString());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ErrnoException(Errno.ENOENT, "pagemap: no file " + file + " (needs Linux procfs)");
        } catch (IOException e) {
            throw new ErrnoException(Errno.EACCES, "pagemap: cannot open " + file + ": " + e.getMessage());
        }
    }

    /** A reader over another source of entries (tests feed it what a non-root reader sees). */
    static Pagemap of(Source source, String name) {
        return new Pagemap(source, () -> { }, name);
    }

    /** The PFN bits of an entry. */
    public static long pfn(long entry) {
        return entry & PFN_MASK;
    }

    public static boolean present(long entry) {
        return (entry & PRESENT) != 0;
    }

    /**
     * The raw entries of {@code pages} virtual pages from {@code va} (page aligned), without
     * touching them.
     *
     * @throws IllegalArgumentException if va is unaligned or pages is negative
     * @throws IllegalStateException    if this reader is closed
     * @throws ErrnoException EIO if the file cannot be read
     */
    public long[] entries(long va, int pages) {
        if (!Mm.isAligned(va, Mm.PAGE_SIZE)) {
            throw new IllegalArgumentException("va: 0x" + Long.toHexString(va) + " (expected: page aligned)");
        }
        if (pages < 0) {
            throw new IllegalArgumentException("pages: " + pages + " (expected: >= 0)");
        }
        long[] out = new long[pages];
        ByteBuffer buf = ByteBuffer.allocate(Math.min(pages, BATCH) * 8).order(ByteOrder.nativeOrder());
        int done = 0;
        while (done < pages) {
            int n = Math.min(pages - done, BATCH);
            buf.clear().limit(n * 8);
            long pos = ((va >>> Mm.PAGE_SHIFT) + done) * 8;
            try {
                while (buf.hasRemaining()) {
                    int r = source.read(buf, pos + buf.position());
                    if (r <= 0) {
                        throw new ErrnoException(Errno.EIO, "pagemap: short read at va=0x"
                                + Long.toHexString(va + Mm.pfnPhys(done)) + " in " + name);
                    }
                }
            } catch (java.nio.channels.ClosedChannelException e) {
                throw new IllegalStateException("pagemap: " + name + " already closed (expected: open)");
            } catch (IOException e) {
                throw new ErrnoException(Errno.EIO, "pagemap: cannot read " + name + " at va=0x"
                        + Long.toHexString(va + Mm.pfnPhys(done)) + ": " + e.getMessage());
            }
            buf.flip();
            buf.asLongBuffer().get(out, done, n);
            done += n;
        }
        return out;
    }

    /**
     * The PFNs of {@code pages} pages from {@code va}, which must be present.
     *
     * @throws ErrnoException EPERM "physical addresses need CAP_SYS_ADMIN" when a present page
     *                        reads PFN 0; EFAULT when a page is not present
     */
    public long[] pfns(long va, int pages) {
        return decode(va, entries(va, pages));
    }

    private static long[] decode(long va, long[] e) {
        for (int i = 0; i < e.length; i++) {
            long v = va + Mm.pfnPhys(i);
            if (!present(e[i])) {
                throw new ErrnoException(Errno.EFAULT, "pagemap: page not present at va=0x" + Long.toHexString(v)
                        + " entry=0x" + Long.toHexString(e[i]) + " (touch it first)");
            }
            long pfn = pfn(e[i]);
            if (pfn == 0) {
                throw notVisible(v);
            }
            e[i] = pfn;
        }
        return e;
    }

    /**
     * Touches every page under {@code segment} that is not yet present and exclusively mapped
     * (MADV_POPULATE_WRITE, so contents are kept) and returns the PFN of each 4 KiB page from
     * the one holding its first byte.
     *
     * @throws IllegalArgumentException if the segment is not native memory
     * @throws IllegalStateException    if the segment is no longer alive
     * @throws ErrnoException           as {@link #pfns}
     */
    public long[] translate(MemorySegment segment) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException("segment: heap memory (expected: native memory with an address)");
        }
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException("segment: already closed (expected: alive)");
        }
        long first = Mm.alignDown(segment.address(), Mm.PAGE_SIZE);
        long end = Mm.alignUp(segment.address() + segment.byteSize(), Mm.PAGE_SIZE);
        long pages = (end - first) >>> Mm.PAGE_SHIFT;
        if (pages > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("segment: " + segment.byteSize() + " bytes (expected: < 2^31 pages)");
        }
        if (pages == 0) {
            return new long[0];
        }
        long[] e = entries(first, (int) pages);
        boolean touched = false;
        for (int i = 0; i < e.length; ) {
            if (owned(e[i])) {
                i++;
                continue;
            }
            int j = i;
            while (j < e.length && !owned(e[j])) {
                j++;
            }
            touch(first + Mm.pfnPhys(i), Mm.pfnPhys(j - i));
            touched = true;
            i = j;
        }
        return touched ? pfns(first, (int) pages) : decode(first, e);
    }

    /** Present and mapped by this process alone: writes will not move it to another frame. */
    private static boolean owned(long entry) {
        return (entry & (PRESENT | EXCLUSIVE)) == (PRESENT | EXCLUSIVE);
    }

    /**
     * The real physical address of byte {@code offset} of {@code segment}.
     *
     * @throws IndexOutOfBoundsException if offset is outside the segment
     */
    public long physicalAddress(MemorySegment segment, long offset) {
        java.util.Objects.checkIndex(offset, segment.byteSize());
        long pfn = translate(segment.asSlice(offset, 1))[0];
        return Mm.pfnPhys(pfn) | ((segment.address() + offset) & (Mm.PAGE_SIZE - 1));
    }

    static void touch(long addr, long length) {
        Libc.madvise(addr, length, Libc.MADV_POPULATE_WRITE);
    }

    static ErrnoException notVisible(long va) {
        return new ErrnoException(Errno.EPERM, "physical addresses need CAP_SYS_ADMIN: pagemap gives pfn 0 for va=0x"
                + Long.toHexString(va) + " (run as root)");
    }

    @Override
    public void close() {
        try {
            closer.close();
        } catch (Exception e) {
            throw new ErrnoException(Errno.EIO, "pagemap: close " + name + ": " + e.getMessage());
        }
    }
}

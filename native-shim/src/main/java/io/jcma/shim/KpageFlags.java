package io.jcma.shim;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * /proc/kpageflags: one 64-bit word of stable page flags per PFN (root only), an independent
 * check of what pagemap says about huge pages: a hugetlb page of 2^n base pages is one head
 * page (COMPOUND_HEAD) followed by 2^n - 1 tails (COMPOUND_TAIL), all marked HUGE (THP for a
 * transparent huge page). Bit numbers from include/uapi/linux/kernel-page-flags.h.
 */
public final class KpageFlags implements AutoCloseable {
    public static final int KPF_LOCKED = 0;
    public static final int KPF_DIRTY = 4;
    public static final int KPF_LRU = 5;
    public static final int KPF_BUDDY = 10;
    public static final int KPF_MMAP = 11;
    public static final int KPF_ANON = 12;
    public static final int KPF_COMPOUND_HEAD = 15;
    public static final int KPF_COMPOUND_TAIL = 16;
    public static final int KPF_HUGE = 17;
    public static final int KPF_UNEVICTABLE = 18;
    public static final int KPF_NOPAGE = 20;
    public static final int KPF_THP = 22;

    private static final int BATCH = 1 << 16;

    private final FileChannel ch;

    private KpageFlags(FileChannel ch) {
        this.ch = ch;
    }

    /**
     * Opens /proc/kpageflags.
     *
     * @throws ErrnoException EACCES when not root, ENOENT without it
     */
    public static KpageFlags open() {
        Path f = Path.of("/proc/kpageflags");
        try {
            return new KpageFlags(FileChannel.open(f, StandardOpenOption.READ));
        } catch (AccessDeniedException e) {
            throw new ErrnoException(Errno.EACCES, "kpageflags: cannot open " + f + " (needs root)");
        } catch (NoSuchFileException e) {
            throw new ErrnoException(Errno.ENOENT, "kpageflags: no file " + f + " (needs CONFIG_PROC_PAGE_MONITOR)");
        } catch (IOException e) {
            throw new ErrnoException(Errno.EIO, "kpageflags: cannot open " + f + ": " + e.getMessage());
        }
    }

    /** The flags of {@code count} pages from {@code pfn}. */
    public long[] read(long pfn, int count) {
        if (pfn < 0 || count < 0) {
            throw new IllegalArgumentException("pfn: " + pfn + " count: " + count + " (expected: >= 0)");
        }
        long[] out = new long[count];
        ByteBuffer buf = ByteBuffer.allocate(Math.min(count, BATCH) * 8).order(ByteOrder.nativeOrder());
        int done = 0;
        try {
            while (done < count) {
                int n = Math.min(count - done, BATCH);
                buf.clear().limit(n * 8);
                long pos = (pfn + done) * 8;
                while (buf.hasRemaining()) {
                    if (ch.read(buf, pos + buf.position()) <= 0) {
                        throw new ErrnoException(Errno.EIO, "kpageflags: short read at pfn=" + (pfn + done));
                    }
                }
                buf.flip();
                buf.asLongBuffer().get(out, done, n);
                done += n;
            }
        } catch (IOException e) {
            throw new ErrnoException(Errno.EIO, "kpageflags: cannot read pfn=" + (pfn + done) + ": " + e.getMessage());
        }
        return out;
    }

    public static boolean has(long flags, int bit) {
        return (flags & (1L << bit)) != 0;
    }

    /**
     * Checks that pfns [head, head + basePages) form one huge page: head flagged
     * COMPOUND_HEAD, every other page COMPOUND_TAIL, all HUGE ({@code hugetlb}) or THP.
     *
     * @return the pages that do not, empty when the huge page is whole
     */
    public List<Mismatch> checkHugepage(long head, long basePages, boolean hugetlb) {
        if (basePages <= 0 || basePages > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("basePages: " + basePages + " (expected: 1..2^31-1)");
        }
        long[] f = read(head, (int) basePages);
        int kind = hugetlb ? KPF_HUGE : KPF_THP;
        List<Mismatch> out = new ArrayList<>();
        for (int i = 0; i < f.length; i++) {
            int part = i == 0 ? KPF_COMPOUND_HEAD : KPF_COMPOUND_TAIL;
            if (!has(f[i], part) || !has(f[i], kind) || has(f[i], KPF_NOPAGE)) {
                out.add(new Mismatch(head + i, f[i], (1L << part) | (1L << kind)));
            }
        }
        return out;
    }

    /** A page whose flags lack what a huge page's head or tail must have. */
    public record Mismatch(long pfn, long flags, long expected) {
        @Override
        public String toString() {
            return "pfn=0x" + Long.toHexString(pfn) + " flags=0x" + Long.toHexString(flags) + " expected=0x"
                    + Long.toHexString(expected);
        }
    }

    @Override
    public void close() {
        try {
            ch.close();
        } catch (IOException e) {
            throw new ErrnoException(Errno.EIO, "kpageflags: close: " + e.getMessage());
        }
    }
}

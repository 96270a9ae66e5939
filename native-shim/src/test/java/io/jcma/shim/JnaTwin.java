package io.jcma.shim;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The JNA twin of the shim's mmap and pagemap bindings: the same calls made through JNA's own
 * libffi glue, errno through {@link LastErrorException}, and pagemap read with open(2) and
 * pread(2) instead of a Java FileChannel. Tests check the FFM implementation against it.
 */
final class JnaTwin {
    private JnaTwin() {
    }

    interface CLib extends Library {
        Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset) throws LastErrorException;

        int munmap(Pointer addr, long length) throws LastErrorException;

        int madvise(Pointer addr, long length, int advice) throws LastErrorException;

        int open(String path, int flags) throws LastErrorException;

        long pread(int fd, Pointer buf, long count, long offset) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        long sysconf(int name) throws LastErrorException;
    }

    static final CLib C = Native.load("c", CLib.class);

    private static final int PROT_RW = 3;
    private static final int MAP_PRIVATE_ANON = 0x02 | 0x20;
    private static final int MAP_HUGETLB = 0x40000;
    private static final int MAP_POPULATE = 0x8000;
    private static final int O_RDONLY = 0;
    private static final int MADV_POPULATE_WRITE = 23;

    /** mmap of {@code count} hugetlb pages of {@code size}, populated. */
    static long mmapHugepages(HugepageSize size, int count) {
        int flags = MAP_PRIVATE_ANON | MAP_HUGETLB | MAP_POPULATE | (Long.numberOfTrailingZeros(size.bytes()) << 26);
        return Pointer.nativeValue(C.mmap(null, count * size.bytes(), PROT_RW, flags, -1, 0));
    }

    static void munmap(long addr, long length) {
        C.munmap(new Pointer(addr), length);
    }

    static void populateWrite(long addr, long length) {
        C.madvise(new Pointer(addr), length, MADV_POPULATE_WRITE);
    }

    /** The PFN field of each pagemap entry of {@code pages} pages from {@code va}. */
    static long[] pagemapPfns(long va, int pages) {
        int fd = C.open("/proc/self/pagemap", O_RDONLY);
        try {
            long[] out = new long[pages];
            Memory buf = new Memory(8L * pages);
            long want = 8L * pages;
            long got = 0;
            while (got < want) {
                long r = C.pread(fd, buf.share(got), want - got, (va >>> 12) * 8 + got);
                if (r <= 0) {
                    throw new IllegalStateException("pread pagemap: " + r);
                }
                got += r;
            }
            for (int i = 0; i < pages; i++) {
                long e = buf.getLong(8L * i);
                if (e >= 0) {
                    throw new IllegalStateException("page not present: va=0x" + Long.toHexString(va + 4096L * i));
                }
                out[i] = e & ((1L << 55) - 1);
            }
            return out;
        } finally {
            C.close(fd);
        }
    }
}

package io.jcma.shim.internal;

import java.lang.foreign.MemorySegment;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The C structures the FUSE mount reads and writes, for the 64-bit Linux ABIs (LP64, glibc):
 * {@code struct stat} (x86-64 and the generic layout of arm64 differ), libfuse 3's
 * {@code struct fuse_file_info}, {@code struct fuse_args} and the prefix of
 * {@code struct fuse_operations} that jcma fills.
 *
 * <pre>
 * struct stat, x86-64 (144 bytes)          struct stat, arm64 (128 bytes)
 *  0 st_dev      u64                        0 st_dev      u64
 *  8 st_ino      u64                        8 st_ino      u64
 * 16 st_nlink    u64                       16 st_mode     u32 | 20 st_nlink u32
 * 24 st_mode u32 | 28 st_uid u32           24 st_uid u32  | 28 st_gid    u32
 * 32 st_gid  u32 | 36 pad                  32 st_rdev     u64, 40 pad u64
 * 40 st_rdev     u64                       48 st_size     i64
 * 48 st_size     i64                       56 st_blksize i32 | pad
 * 56 st_blksize  i64                       64 st_blocks   i64
 * 64 st_blocks   i64                       72 st_atim, 88 st_mtim, 104 st_ctim {i64 sec, i64 nsec}
 * 72 st_atim, 88 st_mtim, 104 st_ctim      120 reserved
 *
 * struct fuse_file_info (40 bytes)         struct fuse_args (24 bytes)
 *  0 flags  int (open(2) flags)             0 argc int | pad
 *  4 bit 0 writepage, bit 1 direct_io ...   8 argv char **
 *  8 padding2                              16 allocated int | pad
 * 16 fh          u64
 * 24 lock_owner  u64
 * 32 poll_events u32
 * </pre>
 */
public final class FuseLayout {
    private FuseLayout() {
    }

    public static final int S_IFDIR = 0040000;
    public static final int S_IFREG = 0100000;

    public static final int O_ACCMODE = 3;
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;

    public static final int R_OK = 4;
    public static final int W_OK = 2;
    public static final int X_OK = 1;

    /** The struct stat of this machine's ABI, or null where jcma does not know it. */
    public static final StatLayout STAT = StatLayout.of(System.getProperty("os.arch", ""));

    /** Offsets of struct stat's fields jcma sets; the others stay zero. */
    public record StatLayout(long size, long dev, long ino, long nlink, boolean nlink32, long mode, long uid, long gid,
                             long stSize, long atime, long mtime, long ctime) {
        static StatLayout of(String arch) {
            return switch (arch.toLowerCase(Locale.ROOT)) {
                case "amd64", "x86_64" -> new StatLayout(144, 0, 8, 16, false, 24, 28, 32, 48, 72, 88, 104);
                case "aarch64", "arm64" -> new StatLayout(128, 0, 8, 20, true, 16, 24, 28, 48, 72, 88, 104);
                default -> null;
            };
        }

        /** Fills {@code st} (of {@link #size()} bytes): zeroes, then mode, links, owner, size and times. */
        public void fill(MemorySegment st, int mode, int nlink, int uid, int gid, long fileSize, long seconds) {
            st.fill((byte) 0);
            st.set(JAVA_INT, this.mode, mode);
            if (nlink32) {
                st.set(JAVA_INT, nlink, nlink);
            } else {
                st.set(JAVA_LONG, this.nlink, nlink);
            }
            st.set(JAVA_INT, this.uid, uid);
            st.set(JAVA_INT, this.gid, gid);
            st.set(JAVA_LONG, stSize, fileSize);
            st.set(JAVA_LONG, atime, seconds);
            st.set(JAVA_LONG, mtime, seconds);
            st.set(JAVA_LONG, ctime, seconds);
        }
    }

    public static final long FILE_INFO_SIZE = 40;
    public static final long FI_FLAGS = 0;
    public static final long FI_BITS = 4;
    /** fuse_file_info.direct_io: the page cache is bypassed, so a file of size 0 can still be read. */
    public static final int FI_DIRECT_IO = 1 << 1;
    public static final long FI_FH = 16;

    public static final long ARGS_SIZE = 24;
    public static final long ARGS_ARGC = 0;
    public static final long ARGS_ARGV = 8;
    public static final long ARGS_ALLOCATED = 16;

    /** Indices of the operations in struct fuse_operations (libfuse 3, include/fuse.h), each a function pointer. */
    public static final int OP_GETATTR = 0;
    public static final int OP_MKDIR = 3;
    public static final int OP_UNLINK = 4;
    public static final int OP_RMDIR = 5;
    public static final int OP_TRUNCATE = 11;
    public static final int OP_OPEN = 12;
    public static final int OP_READ = 13;
    public static final int OP_WRITE = 14;
    public static final int OP_RELEASE = 17;
    public static final int OP_READDIR = 24;
    public static final int OP_ACCESS = 29;
    public static final int OP_CREATE = 30;
    /** How many of struct fuse_operations' pointers jcma passes (op_size = this * 8); libfuse zero-fills the rest. */
    public static final int OPS_COUNT = 31;
    public static final long OPS_SIZE = OPS_COUNT * ADDRESS.byteSize();

    /** open(2)'s flags of a fuse_file_info. */
    public static int flags(MemorySegment fi) {
        return fi.get(JAVA_INT, FI_FLAGS);
    }

    public static long fh(MemorySegment fi) {
        return fi.get(JAVA_LONG, FI_FH);
    }

    /** Sets the file handle and asks for direct I/O. */
    public static void opened(MemorySegment fi, long fh) {
        fi.set(JAVA_LONG, FI_FH, fh);
        fi.set(JAVA_INT, FI_BITS, fi.get(JAVA_INT, FI_BITS) | FI_DIRECT_IO);
    }
}

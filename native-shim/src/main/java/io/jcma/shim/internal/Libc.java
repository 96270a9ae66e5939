package io.jcma.shim.internal;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The C library calls of the native shim, as FFM downcalls held in {@code static final}
 * {@link MethodHandle}s with errno captured ({@link Linker.Option#captureCallState}). This class
 * and {@link Fuse3} (libfuse) hold every restricted FFM operation of jcma; the rest of the module
 * only sees addresses as {@code long}s and failures as {@link ErrnoException}s.
 *
 * <p>Constants are the x86-64 (and arm64 generic) values of the Linux UAPI headers.
 */
public final class Libc {
    private Libc() {
    }

    public static final int PROT_NONE = 0;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;

    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_FIXED = 0x10;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_NORESERVE = 0x4000;
    public static final int MAP_POPULATE = 0x8000;
    public static final int MAP_HUGETLB = 0x40000;
    /** The huge page size is encoded as log2(size) in the 6 bits from MAP_HUGE_SHIFT. */
    public static final int MAP_HUGE_SHIFT = 26;

    public static final int MADV_DONTNEED = 4;
    public static final int MADV_REMOVE = 9;
    public static final int MADV_HUGEPAGE = 14;
    public static final int MADV_POPULATE_WRITE = 23;

    public static final int MREMAP_MAYMOVE = 1;
    public static final int MREMAP_FIXED = 2;

    public static final int SC_PAGESIZE = 30;

    /** umount2(2): detach now, clean up when the last user leaves. */
    public static final int MNT_DETACH = 2;
    public static final int O_RDWR = 2;
    public static final int O_CLOEXEC = 0x80000;

    /** (void *) -1. */
    public static final long MAP_FAILED = -1L;

    static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle MMAP = downcall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = downcall("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    // mremap is variadic: the fifth argument (new_address) is read only with MREMAP_FIXED.
    private static final MethodHandle MREMAP = downcall("mremap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS),
            Linker.Option.firstVariadicArg(4));
    private static final MethodHandle MADVISE = downcall("madvise",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle MLOCK = downcall("mlock",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle MUNLOCK = downcall("munlock",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle SYSCONF = downcall("sysconf",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
    private static final MethodHandle UMOUNT2 = downcall("umount2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETUID = downcall("getuid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETGID = downcall("getgid", FunctionDescriptor.of(JAVA_INT));
    // open is variadic: the mode after the flags is read only with O_CREAT.
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    // One capture buffer per thread: errno is per thread, and allocating per call costs more
    // than the call itself.
    static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] opts = new Linker.Option[extra.length + 1];
        opts[0] = CAPTURE_ERRNO;
        System.arraycopy(extra, 0, opts, 1, extra.length);
        MemorySegment sym = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
        return LINKER.downcallHandle(sym, fd, opts);
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /**
     * mmap(2).
     *
     * @return the address of the mapping
     * @throws ErrnoException with the errno of a failed call (ENOMEM, EINVAL, ...)
     */
    public static long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
        MemorySegment st = STATE.get();
        long r;
        try {
            r = ((MemorySegment) MMAP.invokeExact(st, MemorySegment.ofAddress(addr), length, prot, flags, fd, offset))
                    .address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r == MAP_FAILED) {
            throw fail("mmap", errno(st), "addr=0x%x length=%d prot=0x%x flags=0x%x", addr, length, prot, flags);
        }
        return r;
    }

    /** munmap(2). @throws ErrnoException EINVAL for an unaligned address or a zero length */
    public static void munmap(long addr, long length) {
        MemorySegment st = STATE.get();
        int r;
        try {
            r = (int) MUNMAP.invokeExact(st, MemorySegment.ofAddress(addr), length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r != 0) {
            throw fail("munmap", errno(st), "addr=0x%x length=%d", addr, length);
        }
    }

    /**
     * mremap(2) with MREMAP_MAYMOVE | MREMAP_FIXED: moves the mapping at {@code oldAddr} to
     * exactly {@code newAddr}, replacing whatever was mapped there.
     *
     * @return the new address (equal to {@code newAddr})
     */
    public static long mremapFixed(long oldAddr, long oldSize, long newSize, long newAddr) {
        MemorySegment st = STATE.get();
        long r;
        try {
            r = ((MemorySegment) MREMAP.invokeExact(st, MemorySegment.ofAddress(oldAddr), oldSize, newSize,
                    MREMAP_MAYMOVE | MREMAP_FIXED, MemorySegment.ofAddress(newAddr))).address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r == MAP_FAILED) {
            throw fail("mremap", errno(st), "old=0x%x old_size=%d new_size=%d new=0x%x", oldAddr, oldSize, newSize,
                    newAddr);
        }
        return r;
    }

    /** madvise(2). */
    public static void madvise(long addr, long length, int advice) {
        MemorySegment st = STATE.get();
        int r;
        try {
            r = (int) MADVISE.invokeExact(st, MemorySegment.ofAddress(addr), length, advice);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r != 0) {
            throw fail("madvise", errno(st), "addr=0x%x length=%d advice=%d", addr, length, advice);
        }
    }

    /** mlock(2). */
    public static void mlock(long addr, long length) {
        MemorySegment st = STATE.get();
        int r;
        try {
            r = (int) MLOCK.invokeExact(st, MemorySegment.ofAddress(addr), length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r != 0) {
            throw fail("mlock", errno(st), "addr=0x%x length=%d", addr, length);
        }
    }

    /** munlock(2). */
    public static void munlock(long addr, long length) {
        MemorySegment st = STATE.get();
        int r;
        try {
            r = (int) MUNLOCK.invokeExact(st, MemorySegment.ofAddress(addr), length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r != 0) {
            throw fail("munlock", errno(st), "addr=0x%x length=%d", addr, length);
        }
    }

    /**
     * open(2) of an existing file, without O_CREAT.
     *
     * @return the file descriptor
     * @throws ErrnoException with the errno of a failed call (ENOENT, EACCES, ...)
     */
    public static int open(String path, int flags) {
        MemorySegment st = STATE.get();
        int r;
        try (Arena a = Arena.ofConfined()) {
            r = (int) OPEN.invokeExact(st, a.allocateFrom(path), flags, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw fail("open", errno(st), "path=%s flags=0x%x", path, flags);
        }
        return r;
    }

    /** close(2). */
    public static void close(int fd) {
        MemorySegment st = STATE.get();
        int r;
        try {
            r = (int) CLOSE.invokeExact(st, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r != 0) {
            throw fail("close", errno(st), "fd=%d", fd);
        }
    }

    /**
     * A segment of {@code length} bytes at {@code addr} in {@code arena}'s scope that munmaps
     * the range when the arena closes.
     */
    public static MemorySegment ownedSegment(long addr, long length, Arena arena) {
        return MemorySegment.ofAddress(addr).reinterpret(length, arena, s -> munmap(addr, length));
    }

    /** sysconf(3); -1 with errno EINVAL for an unknown name. */
    public static long sysconf(int name) {
        MemorySegment st = STATE.get();
        long r;
        try {
            r = (long) SYSCONF.invokeExact(st, name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r == -1 && errno(st) != 0) {
            throw fail("sysconf", errno(st), "name=%d", name);
        }
        return r;
    }

    /**
     * umount2(2).
     *
     * @throws ErrnoException EINVAL (not a mount point), EBUSY, EPERM, ENOENT
     */
    public static void umount2(String target, int flags) {
        MemorySegment st = STATE.get();
        int r;
        try (Arena a = Arena.ofConfined()) {
            r = (int) UMOUNT2.invokeExact(st, a.allocateFrom(target), flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r != 0) {
            throw fail("umount2", errno(st), "target=%s flags=%d", target, flags);
        }
    }

    /** getuid(2). */
    public static int getuid() {
        try {
            return (int) GETUID.invokeExact(STATE.get());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** getgid(2). */
    public static int getgid() {
        try {
            return (int) GETGID.invokeExact(STATE.get());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * A segment of {@code length} bytes at {@code addr}, alive as long as {@code arena}. The
     * caller owns the mapping and must unmap it only after the arena is closed.
     */
    public static MemorySegment segment(long addr, long length, Arena arena) {
        return MemorySegment.ofAddress(addr).reinterpret(length, arena, null);
    }

    /** The Errno for a native errno number; EIO for one jcma does not name. */
    public static Errno errnoOf(int n) {
        for (Errno e : Errno.values()) {
            if (e.number() == n) {
                return e;
            }
        }
        return Errno.EIO;
    }

    static ErrnoException fail(String call, int errno, String fmt, Object... args) {
        Errno e = errnoOf(errno);
        String known = e.number() == errno ? "" : " (native errno " + errno + ")";
        return new ErrnoException(e, call + ": " + String.format(fmt, args) + " errno=" + errno + known);
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(t);
    }
}

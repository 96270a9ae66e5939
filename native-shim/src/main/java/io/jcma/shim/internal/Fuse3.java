package io.jcma.shim.internal;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * libfuse 3's high-level API (include/fuse.h) through FFM: fuse_new, fuse_mount, fuse_loop_mt,
 * fuse_unmount, fuse_destroy as {@code static final} {@link MethodHandle}s, and the
 * upcall stubs of {@code struct fuse_operations}. Versioned symbols are bound by their explicit
 * names (fuse_new_31; fuse_loop_mt_312 with a fuse_loop_config, else fuse_loop_mt_31), so the
 * ABI is the one named whatever the library's default version is. libfuse3.so.3 is looked up
 * once; where it is missing every handle is null and {@link #require()} says why.
 *
 * <p>Every upcall target is wrapped at the boundary ({@link #upcall}): a Throwable thrown in
 * Java becomes {@code -EIO} for libfuse, never an exception unwinding into native code (which
 * would end the JVM).
 */
public final class Fuse3 {
    private Fuse3() {
    }

    public static final String LIBRARY = "libfuse3.so.3";

    private static final SymbolLookup LIB = load();
    private static final String MISSING = LIB == null ? LIBRARY + " not found (Debian: apt-get install fuse3 libfuse3-3)"
            : null;

    private static final MethodHandle FUSE_NEW = bind(first("fuse_new_31", "fuse_new"),
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle FUSE_MOUNT = bind("fuse_mount", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle FUSE_UNMOUNT = bind("fuse_unmount", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle FUSE_DESTROY = bind("fuse_destroy", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle FUSE_OPT_FREE_ARGS = bind("fuse_opt_free_args", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle LOOP_MT_312 = bind("fuse_loop_mt_312",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle LOOP_CFG_CREATE = bind("fuse_loop_cfg_create", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle LOOP_CFG_DESTROY = bind("fuse_loop_cfg_destroy",
            FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle LOOP_MT_31 = bind("fuse_loop_mt_31", FunctionDescriptor.of(JAVA_INT, ADDRESS,
            JAVA_INT));
    /** int (*fuse_fill_dir_t)(void *buf, const char *name, const struct stat *st, off_t off, enum flags). */
    private static final MethodHandle FILLER = Libc.LINKER.downcallHandle(
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));

    /** Longest path libfuse hands over (PATH_MAX), and a little more for the NUL. */
    private static final long PATH_MAX = 4096;

    private static SymbolLookup load() {
        try {
            return SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String first(String... names) {
        if (LIB == null) {
            return names[0];
        }
        for (String n : names) {
            if (LIB.find(n).isPresent()) {
                return n;
            }
        }
        return names[names.length - 1];
    }

    private static MethodHandle bind(String name, FunctionDescriptor fd) {
        if (LIB == null) {
            return null;
        }
        return LIB.find(name).map(sym -> Libc.LINKER.downcallHandle(sym, fd, Libc.CAPTURE_ERRNO)).orElse(null);
    }

    /** Why libfuse cannot be used, if it cannot. */
    public static Optional<String> unavailable() {
        if (MISSING != null) {
            return Optional.of(MISSING);
        }
        if (FUSE_NEW == null || FUSE_MOUNT == null || (LOOP_MT_312 == null && LOOP_MT_31 == null)) {
            return Optional.of(LIBRARY + " lacks fuse_new_31, fuse_mount or fuse_loop_mt (libfuse older than 3.2)");
        }
        if (FuseLayout.STAT == null) {
            return Optional.of("struct stat of os.arch=" + System.getProperty("os.arch") + " is not known to jcma"
                    + " (expected: amd64 or aarch64)");
        }
        return Optional.empty();
    }

    /** @throws ErrnoException ENODEV naming what is missing */
    public static void require() {
        unavailable().ifPresent(why -> {
            throw new ErrnoException(Errno.ENODEV, "fuse: " + why);
        });
    }

    /** A NUL-terminated string from native code; an absent pointer is "". */
    public static String string(MemorySegment p) {
        if (p.equals(MemorySegment.NULL)) {
            return "";
        }
        return p.reinterpret(PATH_MAX + 1).getString(0, StandardCharsets.UTF_8);
    }

    /** {@code n} bytes at {@code p}, or NULL unchanged. */
    public static MemorySegment sized(MemorySegment p, long n) {
        return p.equals(MemorySegment.NULL) ? p : p.reinterpret(n);
    }

    /** A {@code struct fuse_args} for {@code argv}, allocated in {@code arena}. */
    public static MemorySegment args(Arena arena, List<String> argv) {
        MemorySegment v = arena.allocate(ADDRESS, argv.size() + 1);
        for (int i = 0; i < argv.size(); i++) {
            v.setAtIndex(ADDRESS, i, arena.allocateFrom(argv.get(i)));
        }
        v.setAtIndex(ADDRESS, argv.size(), MemorySegment.NULL);
        MemorySegment a = arena.allocate(FuseLayout.ARGS_SIZE, 8);
        a.set(JAVA_INT, FuseLayout.ARGS_ARGC, argv.size());
        a.set(ADDRESS, FuseLayout.ARGS_ARGV, v);
        a.set(JAVA_INT, FuseLayout.ARGS_ALLOCATED, 0);
        return a;
    }

    /**
     * An upcall stub for {@code target} (a method of {@code owner} named {@code name}, bound to
     * {@code receiver}) whose Throwables become {@code -EIO}.
     */
    public static MemorySegment upcall(Arena arena, Object receiver, String name, FunctionDescriptor fd) {
        try {
            MethodType type = fd.toMethodType();
            MethodHandle target = MethodHandles.lookup().findVirtual(receiver.getClass(), name, type).bindTo(receiver);
            MethodHandle eio = MethodHandles.dropArguments(MethodHandles.constant(int.class, -Errno.EIO.number()), 0,
                    Throwable.class);
            eio = MethodHandles.dropArguments(eio, 1, type.parameterList());
            return Libc.LINKER.upcallStub(MethodHandles.catchException(target, Throwable.class, eio), fd, arena);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("fuse: no upcall target " + name + fd.toMethodType(), e);
        }
    }

    /** fuse_fill_dir_t: adds {@code name} to a readdir buffer; nonzero when the buffer is full. */
    public static int fill(MemorySegment filler, MemorySegment buf, String name) {
        try (Arena a = Arena.ofConfined()) {
            return (int) FILLER.invokeExact(filler, buf, a.allocateFrom(name), MemorySegment.NULL, 0L, 0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * fuse_new(): a session for {@code ops} ({@link FuseLayout#OPS_SIZE} bytes); the options in
     * {@code args} are parsed, and whatever libfuse allocated for them is freed.
     *
     * @throws ErrnoException EINVAL when libfuse refuses the options (it prints why)
     */
    public static MemorySegment fuseNew(MemorySegment args, MemorySegment ops) {
        require();
        MemorySegment st = Libc.STATE.get();
        MemorySegment f;
        try {
            f = (MemorySegment) FUSE_NEW.invokeExact(st, args, ops, FuseLayout.OPS_SIZE, MemorySegment.NULL);
            FUSE_OPT_FREE_ARGS.invokeExact(st, args);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (f.equals(MemorySegment.NULL)) {
            throw new ErrnoException(Errno.EINVAL, "fuse_new: refused the options (see libfuse's message above)");
        }
        return f;
    }

    /**
     * fuse_mount(): mounts the session at {@code dir} (mount(2) as root, else through fusermount3).
     *
     * @throws ErrnoException with mount(2)'s errno where libfuse left one, else EIO
     */
    public static void mount(MemorySegment fuse, String dir) {
        MemorySegment st = Libc.STATE.get();
        int r;
        int errno;
        try (Arena a = Arena.ofConfined()) {
            r = (int) FUSE_MOUNT.invokeExact(st, fuse, a.allocateFrom(dir));
            errno = Libc.errno(st);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (r != 0) {
            throw Libc.fail("fuse_mount", errno == 0 ? Errno.EIO.number() : errno, "mountpoint=%s", dir);
        }
    }

    /** fuse_loop_mt(): serves requests on libfuse's worker threads until the session ends; its result. */
    public static int loopMt(MemorySegment fuse) {
        MemorySegment st = Libc.STATE.get();
        try {
            if (LOOP_MT_312 != null && LOOP_CFG_CREATE != null) {
                MemorySegment cfg = (MemorySegment) LOOP_CFG_CREATE.invokeExact(st);
                try {
                    return (int) LOOP_MT_312.invokeExact(st, fuse, cfg);
                } finally {
                    LOOP_CFG_DESTROY.invokeExact(st, cfg);
                }
            }
            return (int) LOOP_MT_31.invokeExact(st, fuse, 0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** fuse_unmount(): closes the device (and unmounts, unless that already happened). */
    public static void unmount(MemorySegment fuse) {
        voidCall(FUSE_UNMOUNT, fuse);
    }

    /** fuse_destroy(): frees the session; only after its loop has returned. */
    public static void destroy(MemorySegment fuse) {
        voidCall(FUSE_DESTROY, fuse);
    }

    private static void voidCall(MethodHandle h, MemorySegment fuse) {
        try {
            h.invokeExact(Libc.STATE.get(), fuse);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}

package io.jcma.shim;

import io.jcma.cma.fs.KernelFs;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.shim.internal.Fuse3;
import io.jcma.shim.internal.FuseOperations;
import io.jcma.shim.internal.Libc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A machine's pseudo files ({@link KernelFs}: /proc, /sys, /sys/kernel/debug) as a real FUSE
 * filesystem, through libfuse 3's high-level API: {@code fuse_new}, {@code fuse_mount}, then
 * {@code fuse_loop_mt} on a thread of its own (libfuse's worker threads call into Java, so one
 * blocking read does not hold up the others). The files behave as in procfs: size 0, read with
 * direct I/O; see {@code FuseOperations} for modes and errors.
 *
 * <p>{@link #close()} unmounts with umount2(2) as root (lazily if the mount is busy) or
 * {@code fusermount3 -u}; that ends the loop, which then calls {@code fuse_unmount} and
 * {@code fuse_destroy}. A shutdown hook does the same on exit and on Ctrl-C. After a crash of the
 * JVM the mount point is left "Transport endpoint is not connected": {@code fusermount3 -u DIR}
 * (or {@code umount -l DIR} as root) removes it.
 */
public final class FuseMount implements AutoCloseable {
    private static final long JOIN_MILLIS = 5000;

    private final Path dir;
    private final Arena arena;
    private final MemorySegment fuse;
    private final Thread loop;
    private final Thread hook;
    private final FuseOperations ops;
    private volatile int loopResult = Integer.MIN_VALUE;
    private boolean closed;

    private FuseMount(Path dir, Arena arena, MemorySegment fuse, FuseOperations ops) {
        this.dir = dir;
        this.arena = arena;
        this.fuse = fuse;
        this.ops = ops;
        this.loop = Thread.ofPlatform().daemon().name("jcma-fuse " + dir).unstarted(this::serve);
        this.hook = Thread.ofPlatform().name("jcma-fuse-unmount " + dir).unstarted(this::close);
    }

    /** Why a FUSE mount cannot be made on this host (libfuse3 missing, an unknown ABI), if so. */
    public static Optional<String> unavailable() {
        return Fuse3.unavailable();
    }

    /**
     * Mounts {@code fs} at {@code dir}.
     *
     * @param allowOther let other users see the mount (-o allow_other; non-root needs
     *                   user_allow_other in /etc/fuse.conf)
     * @throws ErrnoException ENOENT or ENOTDIR for a bad {@code dir}, ENODEV when libfuse3 is
     *                        missing, EINVAL when libfuse refuses the options, or mount(2)'s
     *                        errno (EPERM: no /dev/fuse access and no fusermount3)
     */
    public static FuseMount mount(KernelFs fs, Path dir, boolean allowOther) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.exists(abs)) {
            throw new ErrnoException(Errno.ENOENT, "mountpoint: " + abs + " (expected: an existing directory)");
        }
        if (!Files.isDirectory(abs)) {
            throw new ErrnoException(Errno.ENOTDIR, "mountpoint: " + abs + " (expected: a directory)");
        }
        try {
            abs = abs.toRealPath(); // the path mountinfo will show
        } catch (IOException e) {
            throw new ErrnoException(Errno.ENOENT, "mountpoint: " + abs + ": " + e.getMessage());
        }
        Fuse3.require();
        Arena arena = Arena.ofShared();
        MemorySegment fuse = null;
        try {
            FuseOperations ops = new FuseOperations(fs, Libc.getuid(), Libc.getgid());
            List<String> argv = new ArrayList<>(List.of("jcma", "-o",
                    "fsname=jcma,subtype=jcma" + (allowOther ? ",allow_other" : "")));
            fuse = Fuse3.fuseNew(Fuse3.args(arena, argv), ops.struct(arena));
            Fuse3.mount(fuse, abs.toString());
            FuseMount m = new FuseMount(abs, arena, fuse, ops);
            m.loop.start();
            Runtime.getRuntime().addShutdownHook(m.hook);
            return m;
        } catch (RuntimeException e) {
            if (fuse != null) {
                Fuse3.destroy(fuse);
            }
            arena.close();
            throw e;
        }
    }

    /** The mount point, absolute. */
    public Path mountPoint() {
        return dir;
    }

    /** Files open through the mount now. */
    public int openFiles() {
        return ops.openFiles();
    }

    /**
     * Serves until the kernel ends the connection (the unmount, or the last file of a lazily
     * unmounted mount closed), then frees the session: only then can no libfuse thread call into
     * the stubs any more.
     */
    private void serve() {
        try {
            loopResult = Fuse3.loopMt(fuse);
        } finally {
            Fuse3.unmount(fuse);
            Fuse3.destroy(fuse);
            arena.close();
        }
    }

    /**
     * Unmounts; idempotent. The kernel's unmount ends the loop (its reads of /dev/fuse fail with
     * ENODEV) and the loop frees the session. A busy mount (a file open inside, a shell's working
     * directory) is detached lazily, as umount -l does: it leaves the namespace now, its open
     * files keep being served, and the session ends with the last of them. fuse_exit is not used:
     * a request read after it is dropped unanswered, and its caller would hang.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs this same close, which returns at once
            }
        }
        if (!unmount()) {
            join(JOIN_MILLIS);
        }
    }

    /** fuse_loop_mt's result, once the loop has ended (0 after an unmount). */
    public Optional<Integer> loopResult() {
        int r = loopResult;
        return r == Integer.MIN_VALUE ? Optional.empty() : Optional.of(r);
    }

    /** Waits up to {@code millis} for the session to end; whether it has. */
    public boolean join(long millis) {
        try {
            loop.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !loop.isAlive();
    }

    /**
     * The kernel's unmount, which ends the loop: its reads of /dev/fuse fail with ENODEV. True
     * when it had to be lazy (the mount was busy), so the connection outlives it.
     */
    private boolean unmount() {
        if (Libc.getuid() == 0) {
            try {
                Libc.umount2(dir.toString(), 0);
                return false;
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EBUSY) {
                    return false; // EINVAL: no longer mounted (fusermount3 -u ran first)
                }
            }
            Libc.umount2(dir.toString(), Libc.MNT_DETACH);
            return true;
        }
        return run("fusermount3", "-u", dir.toString()) != 0 && run("fusermount3", "-u", "-z", dir.toString()) == 0;
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(s.charAt(i));
            }
        }
        return sb.toString();
    }

    /** Runs a command; its exit status, -1 when it could not run or did not finish in 10 s. */
    private static int run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            System.err.println("jcma: fuse: " + cmd[0] + ": " + e.getMessage());
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}

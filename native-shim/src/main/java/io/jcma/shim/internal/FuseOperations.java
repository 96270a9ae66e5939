package io.jcma.shim.internal;

import io.jcma.cma.fs.KernelFs;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The {@code struct fuse_operations} of a {@link KernelFs}: the pseudo files as procfs, sysfs
 * and debugfs show them. A file's size is 0 and it is opened with direct I/O, as procfs files are
 * (their text exists only when read): a read at offset 0 generates the text, later offsets read
 * from that snapshot, as seq_file does. A write(2) is one store into the file (its final newline
 * dropped, as {@link KernelFs#write} takes it). Modes are debugfs's: 0444 read-only, 0200
 * write-only, 0644 both, directories 0755; opening a file for what it cannot do is EACCES, as
 * kernfs answers even root. Nothing can be created (EACCES, as the VFS answers a directory
 * without ->create) or removed (EPERM).
 *
 * <p>Each method returns 0, a byte count, or a negative errno; a failure of the machine behind
 * the files (a closed machine, a bug) is EIO. {@link Fuse3#upcall} also catches anything that
 * would escape.
 */
public final class FuseOperations {
    private final KernelFs fs;
    private final int uid;
    private final int gid;
    private final long mounted = System.currentTimeMillis() / 1000;
    private final Map<Long, OpenFile> open = new ConcurrentHashMap<>();
    private final AtomicLong nextFh = new AtomicLong(1);

    /** An open file: its path and the text its last read at offset 0 produced. */
    private static final class OpenFile {
        final String path;
        byte[] text;

        OpenFile(String path) {
            this.path = path;
        }
    }

    public FuseOperations(KernelFs fs, int uid, int gid) {
        this.fs = fs;
        this.uid = uid;
        this.gid = gid;
    }

    /** How many files are open through the mount, for tests. */
    public int openFiles() {
        return open.size();
    }

    /** A {@code struct fuse_operations} of upcall stubs to this object, allocated in {@code arena}. */
    public MemorySegment struct(Arena arena) {
        MemorySegment ops = arena.allocate(FuseLayout.OPS_SIZE, 8);
        set(ops, FuseLayout.OP_GETATTR, arena, "getattr", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        set(ops, FuseLayout.OP_MKDIR, arena, "mkdir", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        set(ops, FuseLayout.OP_UNLINK, arena, "unlink", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        set(ops, FuseLayout.OP_RMDIR, arena, "rmdir", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        set(ops, FuseLayout.OP_TRUNCATE, arena, "truncate",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
        set(ops, FuseLayout.OP_OPEN, arena, "open", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        set(ops, FuseLayout.OP_READ, arena, "read",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        set(ops, FuseLayout.OP_WRITE, arena, "write",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        set(ops, FuseLayout.OP_RELEASE, arena, "release", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        set(ops, FuseLayout.OP_READDIR, arena, "readdir",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT));
        set(ops, FuseLayout.OP_ACCESS, arena, "access", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        set(ops, FuseLayout.OP_CREATE, arena, "create", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        return ops;
    }

    private void set(MemorySegment ops, int index, Arena arena, String name, FunctionDescriptor fd) {
        ops.setAtIndex(ADDRESS, index, Fuse3.upcall(arena, this, name, fd));
    }

    private static int errno(RuntimeException e) {
        return -(e instanceof ErrnoException ee ? ee.errno() : Errno.EIO).number();
    }

    /** getattr: st_mode from {@link KernelFs#stat}, size 0, owned by the mounting user. */
    public int getattr(MemorySegment path, MemorySegment stat, MemorySegment fi) {
        try {
            KernelFs.Stat s = fs.stat(Fuse3.string(path));
            int mode = s.directory() ? FuseLayout.S_IFDIR | 0755 : FuseLayout.S_IFREG | mode(s);
            FuseLayout.STAT.fill(Fuse3.sized(stat, FuseLayout.STAT.size()), mode, s.directory() ? 2 : 1, uid, gid, 0,
                    mounted);
            return 0;
        } catch (RuntimeException e) {
            return errno(e);
        }
    }

    private static int mode(KernelFs.Stat s) {
        return (s.readable() ? 0444 : 0) | (s.writable() ? 0200 : 0);
    }

    public int readdir(MemorySegment path, MemorySegment buf, MemorySegment filler, long offset, MemorySegment fi,
                       int flags) {
        try {
            String p = Fuse3.string(path);
            if (!fs.stat(p).directory()) {
                return -Errno.ENOTDIR.number();
            }
            Fuse3.fill(filler, buf, ".");
            Fuse3.fill(filler, buf, "..");
            for (String n : fs.list(p)) {
                if (Fuse3.fill(filler, buf, n) != 0) {
                    break;
                }
            }
            return 0;
        } catch (RuntimeException e) {
            return errno(e);
        }
    }

    public int open(MemorySegment path, MemorySegment fi) {
        try {
            String p = Fuse3.string(path);
            KernelFs.Stat s = fs.stat(p);
            if (s.directory()) {
                return -Errno.EISDIR.number();
            }
            MemorySegment info = Fuse3.sized(fi, FuseLayout.FILE_INFO_SIZE);
            int acc = FuseLayout.flags(info) & FuseLayout.O_ACCMODE;
            boolean read = acc == FuseLayout.O_RDONLY || acc == FuseLayout.O_RDWR;
            boolean write = acc == FuseLayout.O_WRONLY || acc == FuseLayout.O_RDWR;
            if ((read && !s.readable()) || (write && !s.writable())) {
                return -Errno.EACCES.number();
            }
            long fh = nextFh.getAndIncrement();
            open.put(fh, new OpenFile(p));
            FuseLayout.opened(info, fh);
            return 0;
        } catch (RuntimeException e) {
            return errno(e);
        }
    }

    /** The file a fuse_file_info's handle names; EIO for a handle this mount never gave out. */
    private OpenFile file(MemorySegment fi) {
        OpenFile f = open.get(FuseLayout.fh(Fuse3.sized(fi, FuseLayout.FILE_INFO_SIZE)));
        if (f == null) {
            throw new ErrnoException(Errno.EIO, "fuse: unknown file handle");
        }
        return f;
    }

    public int read(MemorySegment path, MemorySegment buf, long size, long offset, MemorySegment fi) {
        try {
            OpenFile f = file(fi);
            byte[] text;
            synchronized (f) {
                if (offset == 0 || f.text == null) {
                    f.text = fs.read(f.path).getBytes(StandardCharsets.UTF_8);
                }
                text = f.text;
            }
            if (offset < 0 || offset >= text.length || size <= 0) {
                return 0;
            }
            int n = (int) Math.min(Math.min(size, Integer.MAX_VALUE), text.length - offset);
            MemorySegment.copy(MemorySegment.ofArray(text), offset, Fuse3.sized(buf, size), 0, n);
            return n;
        } catch (RuntimeException e) {
            return errno(e);
        }
    }

    public int write(MemorySegment path, MemorySegment buf, long size, long offset, MemorySegment fi) {
        try {
            OpenFile f = file(fi);
            if (size < 0 || size > Integer.MAX_VALUE) {
                return -Errno.EINVAL.number();
            }
            byte[] bytes = Fuse3.sized(buf, size).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            String v = new String(bytes, StandardCharsets.UTF_8);
            fs.write(f.path, v.endsWith("\n") ? v.substring(0, v.length() - 1) : v);
            return (int) size;
        } catch (RuntimeException e) {
            return errno(e);
        }
    }

    /** truncate (O_TRUNC, or {@code : > file}): accepted for writable files, as sysfs ignores it. */
    public int truncate(MemorySegment path, long size, MemorySegment fi) {
        try {
            KernelFs.Stat s = fs.stat(Fuse3.string(path));
            if (s.directory()) {
                return -Errno.EISDIR.number();
            }
            return s.writable() ? 0 : -Errno.EACCES.number();
        } catch (RuntimeException e) {
            return errno(e);
        }
    }

    public int release(MemorySegment path, MemorySegment fi) {
        open.remove(FuseLayout.fh(Fuse3.sized(fi, FuseLayout.FILE_INFO_SIZE)));
        return 0;
    }

    /** access(2) by the modes getattr reports. */
    public int access(MemorySegment path, int mask) {
        try {
            KernelFs.Stat s = fs.stat(Fuse3.string(path));
            if (s.directory()) {
                return 0;
            }
            boolean ok = ((mask & FuseLayout.R_OK) == 0 || s.readable()) && ((mask & FuseLayout.W_OK) == 0
                    || s.writable()) && (mask & FuseLayout.X_OK) == 0;
            return ok ? 0 : -Errno.EACCES.number();
        } catch (RuntimeException e) {
            return errno(e);
        }
    }

    public int create(MemorySegment path, int mode, MemorySegment fi) {
        return -Errno.EACCES.number();
    }

    public int mkdir(MemorySegment path, int mode) {
        return -Errno.EPERM.number();
    }

    public int unlink(MemorySegment path) {
        return -Errno.EPERM.number();
    }

    public int rmdir(MemorySegment path) {
        return -Errno.EPERM.number();
    }
}

package io.jcma.cma.fs;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The simulated machine's pseudo files: procfs, sysfs and debugfs, as one tree of paths. Each
 * file has a reader (its text, newline-terminated as the kernel's) and/or a writer; a missing
 * one answers EACCES (Permission denied), as a 0200 or 0444 file does even for root in debugfs.
 * Modules add their own files ({@link #registerFile}). Thread-safe.
 */
public final class KernelFs {
    private sealed interface Node permits Dir, File {
    }

    private record Dir(Map<String, Node> children) implements Node {
    }

    private record File(Supplier<String> reader, Consumer<String> writer) implements Node {
    }

    private final Dir root = new Dir(new TreeMap<>());

    private KernelFs() {
    }

    public static KernelFs create() {
        return new KernelFs();
    }

    private static List<String> split(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new ErrnoException(Errno.ENOENT, "path: " + path + " (expected: absolute path)");
        }
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.removeLast();
                }
                continue;
            }
            parts.add(p);
        }
        return parts;
    }

    /**
     * Adds a file; {@code reader} null makes it write-only, {@code writer} null read-only.
     * Parent directories are created. Replaces a file of the same path.
     *
     * @throws IllegalArgumentException if a directory is in the way
     */
    public synchronized void registerFile(String path, Supplier<String> reader, Consumer<String> writer) {
        List<String> parts = split(path);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("path: " + path + " (expected: a file path)");
        }
        Dir d = mkdirs(parts.subList(0, parts.size() - 1), path);
        Node existing = d.children().get(parts.getLast());
        if (existing instanceof Dir) {
            throw new IllegalArgumentException("path: " + path + " is a directory");
        }
        d.children().put(parts.getLast(), new File(reader, writer));
    }

    /** Creates a directory (and its parents). */
    public synchronized void mkdir(String path) {
        mkdirs(split(path), path);
    }

    /** Removes a file or a whole directory; absent paths are ignored. */
    public synchronized void remove(String path) {
        List<String> parts = split(path);
        if (parts.isEmpty()) {
            return;
        }
        Node n = root;
        for (String p : parts.subList(0, parts.size() - 1)) {
            if (!(n instanceof Dir d) || (n = d.children().get(p)) == null) {
                return;
            }
        }
        if (n instanceof Dir d) {
            d.children().remove(parts.getLast());
        }
    }

    private Dir mkdirs(List<String> parts, String path) {
        Dir d = root;
        for (String p : parts) {
            Node n = d.children().get(p);
            if (n == null) {
                Dir nd = new Dir(new TreeMap<>());
                d.children().put(p, nd);
                d = nd;
            } else if (n instanceof Dir nd) {
                d = nd;
            } else {
                throw new IllegalArgumentException("path: " + path + " (" + p + " is a file)");
            }
        }
        return d;
    }

    private Node lookup(String path) {
        Node n = root;
        for (String p : split(path)) {
            if (!(n instanceof Dir d)) {
                throw new ErrnoException(Errno.ENOTDIR, path + ": " + Errno.ENOTDIR.strerror());
            }
            n = d.children().get(p);
            if (n == null) {
                throw new ErrnoException(Errno.ENOENT, path + ": " + Errno.ENOENT.strerror());
            }
        }
        return n;
    }

    /** The file at {@code path}; ENOENT, ENOTDIR or EISDIR otherwise. Its callbacks run unlocked. */
    private File file(String path) {
        Node n;
        synchronized (this) {
            n = lookup(path);
        }
        if (n instanceof File f) {
            return f;
        }
        throw new ErrnoException(Errno.EISDIR, path + ": " + Errno.EISDIR.strerror());
    }

    public synchronized boolean exists(String path) {
        try {
            lookup(path);
            return true;
        } catch (ErrnoException e) {
            return false;
        }
    }

    public synchronized boolean isDirectory(String path) {
        try {
            return lookup(path) instanceof Dir;
        } catch (ErrnoException e) {
            return false;
        }
    }

    /**
     * The file's contents.
     *
     * @throws ErrnoException ENOENT, ENOTDIR, EISDIR, EACCES (write-only file), or whatever the
     *                        file itself reports
     */
    public String read(String path) {
        File f = file(path);
        if (f.reader() == null) {
            throw new ErrnoException(Errno.EACCES, path + ": " + Errno.EACCES.strerror());
        }
        return f.reader().get();
    }

    /**
     * Writes {@code value} (as {@code echo VALUE > PATH} would, the newline stripped).
     *
     * @throws ErrnoException ENOENT, ENOTDIR, EISDIR, EACCES (read-only file), or whatever the
     *                        file itself reports (EINVAL for a bad number, ENOMEM, ...)
     */
    public void write(String path, String value) {
        File f = file(path);
        if (f.writer() == null) {
            throw new ErrnoException(Errno.EACCES, path + ": " + Errno.EACCES.strerror());
        }
        f.writer().accept(value);
    }

    /**
     * What stat(2) tells of a pseudo file, for tools that show this tree as a filesystem (the
     * FUSE mount): a directory, or a file that can be read and/or written. There is no size: as
     * in procfs, a file's text exists only when it is read.
     */
    public record Stat(boolean directory, boolean readable, boolean writable) {
    }

    /**
     * stat(2) of {@code path}.
     *
     * @throws ErrnoException ENOENT or ENOTDIR
     */
    public synchronized Stat stat(String path) {
        return switch (lookup(path)) {
            case Dir d -> new Stat(true, true, false);
            case File f -> new Stat(false, f.reader() != null, f.writer() != null);
        };
    }

    /**
     * The names in a directory, sorted; for a file, its own name.
     *
     * @throws ErrnoException ENOENT or ENOTDIR
     */
    public synchronized List<String> list(String path) {
        Node n = lookup(path);
        if (n instanceof Dir d) {
            return List.copyOf(d.children().keySet());
        }
        List<String> parts = split(path);
        return List.of(parts.getLast());
    }
}

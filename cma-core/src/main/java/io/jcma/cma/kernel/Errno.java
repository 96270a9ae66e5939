package io.jcma.cma.kernel;

/**
 * The Linux errno values jcma reports, with the kernel's numbers and strerror texts.
 *
 * <p>A kernel function that would return {@code -EINVAL} throws an {@link ErrnoException}
 * carrying {@link #EINVAL}; the shell prints {@link #strerror()} the way a real shell does.
 */
public enum Errno {
    EPERM(1, "Operation not permitted"),
    ENOENT(2, "No such file or directory"),
    EINTR(4, "Interrupted system call"),
    EIO(5, "Input/output error"),
    ENXIO(6, "No such device or address"),
    EAGAIN(11, "Resource temporarily unavailable"),
    ENOMEM(12, "Cannot allocate memory"),
    EACCES(13, "Permission denied"),
    EFAULT(14, "Bad address"),
    EBUSY(16, "Device or resource busy"),
    ENODEV(19, "No such device"),
    ENOTDIR(20, "Not a directory"),
    EISDIR(21, "Is a directory"),
    EINVAL(22, "Invalid argument"),
    ENOSPC(28, "No space left on device"),
    ERANGE(34, "Numerical result out of range");

    private final int number;
    private final String strerror;

    Errno(int number, String strerror) {
        this.number = number;
        this.strerror = strerror;
    }

    /** The positive errno number, e.g. 22 for EINVAL. */
    public int number() {
        return number;
    }

    /** The value a kernel function returns for this error, e.g. -22 for EINVAL. */
    public int ret() {
        return -number;
    }

    /** The C library's text for this error, e.g. "Invalid argument". */
    public String strerror() {
        return strerror;
    }

    /** The errno whose kernel return value is {@code ret} (negative), or null for 0. */
    public static Errno ofRet(int ret) {
        if (ret == 0) {
            return null;
        }
        for (Errno e : values()) {
            if (e.number == -ret) {
                return e;
            }
        }
        throw new IllegalArgumentException("ret: " + ret + " (expected: a known negative errno)");
    }
}

package io.jcma.cma.kernel;

/**
 * A failure the kernel would report as a negative errno. The message is greppable
 * {@code key=value} text naming the bad value; {@link #errno()} is what the kernel would return.
 */
public final class ErrnoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Errno errno;

    public ErrnoException(Errno errno, String message) {
        super(errno.name() + ": " + message);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }

    /** The text after the errno name, as given. */
    public String reason() {
        String m = getMessage();
        return m.substring(errno.name().length() + 2);
    }
}

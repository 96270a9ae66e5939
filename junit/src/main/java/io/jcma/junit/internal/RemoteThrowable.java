package io.jcma.junit.internal;

import java.io.Serial;

/**
 * A throwable from the container that could not cross as itself (a field that is not
 * serialisable): its class name and message as the message, its stack trace, cause and
 * suppressed throwables copied the same way.
 */
public final class RemoteThrowable extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    RemoteThrowable(String message) {
        super(message, null, true, true);
        setStackTrace(new StackTraceElement[0]);
    }

    private RemoteThrowable(Throwable original, Throwable cause) {
        super(original.toString(), cause, true, true);
        setStackTrace(original.getStackTrace());
    }

    static RemoteThrowable copyOf(Throwable t) {
        RemoteThrowable copy = new RemoteThrowable(t, t.getCause() == null || t.getCause() == t ? null
                : copyOf(t.getCause()));
        for (Throwable s : t.getSuppressed()) {
            copy.addSuppressed(copyOf(s));
        }
        return copy;
    }
}

package io.jcma.junit.internal;

import java.io.Serial;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

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
        return copyOf(t, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static RemoteThrowable copyOf(Throwable t, Set<Throwable> seen) {
        seen.add(t);
        Throwable cause = t.getCause();
        RemoteThrowable copy = new RemoteThrowable(t, cause == null || seen.contains(cause) ? null
                : copyOf(cause, seen));
        for (Throwable s : t.getSuppressed()) {
            if (!seen.contains(s)) {
                copy.addSuppressed(copyOf(s, seen));
            }
        }
        return copy;
    }
}

package io.jcma.junit.internal;

import org.junit.platform.engine.TestExecutionResult;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serial;
import java.io.Serializable;
import java.io.StringWriter;

/**
 * What one request to the container came to, as the JUnit launcher there reported it, with
 * what the tests printed meanwhile. Crosses the container boundary by {@link Wire}: both ends
 * run the same class path, so the throwable comes back as itself (an
 * {@code AssertionFailedError} with its expected and actual values, a
 * {@code TestAbortedException} with its reason), or, when it cannot be serialised, as a
 * {@link RemoteThrowable} copy with the same class name, message and stack.
 *
 * @param status    how it ended
 * @param throwable the serialised throwable, or null
 * @param trace     the throwable's printed stack trace, or "" (kept should deserialising fail)
 * @param out       what the container's tests wrote to System.out since the last outcome
 * @param err       the same for System.err
 */
record Outcome(Status status, byte[] throwable, String trace, String out, String err) implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    enum Status {
        SUCCESSFUL, ABORTED, FAILED,
        /** The test was not met in the container's run of its class. */
        MISSED
    }

    static Outcome successful() {
        return new Outcome(Status.SUCCESSFUL, null, "", "", "");
    }

    static Outcome missed(String why) {
        return of(Status.MISSED, new IllegalStateException(why));
    }

    static Outcome skipped(String reason) {
        return of(Status.ABORTED, new TestAbortedException(reason));
    }

    static Outcome of(TestExecutionResult r) {
        return switch (r.getStatus()) {
            case SUCCESSFUL -> successful();
            case ABORTED -> of(Status.ABORTED, r.getThrowable().orElseGet(() -> new TestAbortedException("aborted")));
            case FAILED -> of(Status.FAILED, r.getThrowable().orElseGet(() -> new AssertionError("failed")));
        };
    }

    static Outcome of(Status status, Throwable t) {
        return new Outcome(status, serialise(t), stackTrace(t), "", "");
    }

    Outcome withOutput(String out, String err) {
        return new Outcome(status, throwable, trace, out, err);
    }

    /** The throwable as thrown in the container, or null for a successful outcome. */
    Throwable failure() {
        if (throwable == null) {
            return null;
        }
        try {
            return (Throwable) Wire.read(throwable);
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            return new RemoteThrowable("(could not read the container's throwable: " + e + ")\n" + trace);
        }
    }

    private static byte[] serialise(Throwable t) {
        try {
            return Wire.bytesOrThrow(t);
        } catch (IOException notSerialisable) {
            return Wire.bytes(RemoteThrowable.copyOf(t));
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}

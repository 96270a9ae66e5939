package io.jcma.junit;

import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Runs fixture classes with the JUnit launcher in this JVM and keeps what became of each test. */
final class Launch {
    private Launch() {
    }

    /**
     * What became of one test or container.
     *
     * @param id     the launcher's identifier
     * @param result the result, or null when it was skipped
     * @param skip   the reason it was skipped, or null
     */
    record Event(TestIdentifier id, TestExecutionResult result, String skip) {
        TestExecutionResult.Status status() {
            return result == null ? null : result.getStatus();
        }

        Throwable throwable() {
            return result.getThrowable().orElseThrow();
        }
    }

    /** All events by unique id, in the order they finished, and what the run printed. */
    record Results(Map<String, Event> byUid, List<Event> order, String out, String err) {
        /** The one test or container whose unique id ends with {@code suffix}. */
        Event get(String suffix) {
            List<Event> m = order.stream().filter(e -> e.id().getUniqueId().endsWith(suffix)).toList();
            if (m.size() != 1) {
                throw new AssertionError("expected one event ending with " + suffix + ", found " + m + " in " + order);
            }
            return m.getFirst();
        }

        Optional<Event> find(String suffix) {
            return order.stream().filter(e -> e.id().getUniqueId().endsWith(suffix)).findFirst();
        }
    }

    /** Runs the selected tests with System.out and System.err captured (and still shown). */
    static synchronized Results run(DiscoverySelector... selectors) {
        Map<String, Event> byUid = new ConcurrentHashMap<>();
        List<Event> order = new ArrayList<>();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new Tee(out, oldOut), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(err, oldErr), true, StandardCharsets.UTF_8));
        try {
            execute(selectors, byUid, order);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Results(byUid, order, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void execute(DiscoverySelector[] selectors, Map<String, Event> byUid, List<Event> order) {
        Launcher l = LauncherFactory.create();
        l.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectors).build(), new TestExecutionListener() {
            @Override
            public synchronized void executionFinished(TestIdentifier id, TestExecutionResult r) {
                Event e = new Event(id, r, null);
                byUid.put(id.getUniqueId(), e);
                order.add(e);
            }

            @Override
            public synchronized void executionSkipped(TestIdentifier id, String reason) {
                Event e = new Event(id, null, reason);
                byUid.put(id.getUniqueId(), e);
                order.add(e);
            }
        });
    }

    /** Writes to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int x) throws IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }
}

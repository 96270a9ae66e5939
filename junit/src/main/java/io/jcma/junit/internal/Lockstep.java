package io.jcma.junit.internal;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectUniqueId;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * One test class run in the container in step with its run on the host: the JUnit launcher
 * runs the class here once ({@code @BeforeAll} and {@code @AfterAll} once, as on the host), and
 * before each test the {@link #gate} of the container's extension waits for the host's next
 * request. The test the host asks for runs and its result answers the request; a test the host
 * does not ask for (filtered out there, or not reached) is disabled here. Both sides discover
 * the same class path with the same orderers, so the orders agree; a request that the run
 * passes by is answered {@link Outcome.Status#MISSED} and the host opens a new session.
 *
 * <p>All of it runs on the session's thread: Jupiter calls conditions and listeners on the
 * thread that executes the tests, and parallel execution is switched off for the session.
 */
final class Lockstep implements TestExecutionListener {
    static final String SESSION_PARAMETER = "jcma.container.session";
    private static final Map<String, Lockstep> SESSIONS = new ConcurrentHashMap<>();
    private static final Set<String> GATED = Set.of("method", "test-template-invocation", "test-factory");

    /**
     * A request from the host.
     *
     * @param verb  RUN (a test's unique id) or END (the class is done on the host)
     * @param uid   the unique id
     * @param reply the FIFO the outcome is written to
     */
    record Request(String verb, String uid, Path reply) {
        boolean end() {
            return verb.equals("END");
        }
    }

    /** Where an outcome goes. */
    @FunctionalInterface
    interface Replier {
        void reply(Path to, Outcome outcome);
    }

    private final String sid;
    private final String classUid;
    private final Replier replier;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Set<String> gatedOff = ConcurrentHashMap.newKeySet();
    private Request pending;
    private Request running;
    private Outcome classFailure;
    private boolean classFailureDelivered;

    Lockstep(String sid, String classUid, Replier replier) {
        this.sid = sid;
        this.classUid = classUid;
        this.replier = replier;
    }

    void start() {
        SESSIONS.put(sid, this);
        Thread t = new Thread(this::runClass, "jcma-session-" + sid);
        t.setDaemon(true);
        t.start();
    }

    static Optional<Lockstep> session(String sid) {
        return Optional.ofNullable(SESSIONS.get(sid));
    }

    void offer(Request r) {
        queue.add(r);
    }

    private void runClass() {
        try {
            Launcher launcher = LauncherFactory.create();
            launcher.execute(request().selectors(selectUniqueId(classUid))
                    .configurationParameter(SESSION_PARAMETER, sid)
                    .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                    .build(), this);
        } catch (Throwable t) {
            synchronized (this) {
                if (classFailure == null) {
                    classFailure = Outcome.of(Outcome.Status.FAILED, t);
                }
            }
        }
        // The class has run: answer what the host still asks until it says END.
        while (true) {
            Request r = next();
            synchronized (this) {
                pending = null;
                if (r.end()) {
                    SESSIONS.remove(sid);
                    replier.reply(r.reply(), classFailure != null && !classFailureDelivered ? classFailure
                            : Outcome.successful());
                    return;
                }
                if (classFailure != null) {
                    classFailureDelivered = true;
                    replier.reply(r.reply(), classFailure);
                } else {
                    replier.reply(r.reply(), Outcome.missed("test " + r.uid() + " not met in the container's run of "
                            + classUid));
                }
            }
        }
    }

    private Request next() {
        synchronized (this) {
            if (pending != null) {
                return pending;
            }
        }
        Request r;
        try {
            r = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("session " + sid + ": interrupted waiting for the host", e);
        }
        synchronized (this) {
            pending = r;
            return r;
        }
    }

    /** The container side of the extension's condition: run a test only when the host asks. */
    static ConditionEvaluationResult gate(ExtensionContext context) {
        Optional<Lockstep> s = context.getConfigurationParameter(SESSION_PARAMETER).flatMap(Lockstep::session);
        if (s.isEmpty() || !gated(context.getUniqueId())) {
            return ConditionEvaluationResult.enabled("not a test of a lockstep session");
        }
        return s.get().admit(context.getUniqueId());
    }

    private static boolean gated(String uid) {
        return GATED.contains(UniqueId.parse(uid).getLastSegment().getType());
    }

    private ConditionEvaluationResult admit(String uid) {
        Request r = next();
        synchronized (this) {
            if (!r.end() && r.uid().equals(uid)) {
                pending = null;
                running = r;
                return ConditionEvaluationResult.enabled("requested by the host");
            }
            gatedOff.add(uid);
            return ConditionEvaluationResult.disabled(r.end() ? "not run on the host" : "not requested by the host");
        }
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        String uid = id.getUniqueId();
        if (gatedOff.remove(uid)) {
            return;
        }
        synchronized (this) {
            if (running != null && running.uid().equals(uid)) {
                replier.reply(running.reply(), Outcome.skipped(reason));
                running = null;
                return;
            }
            if (isClassOrAbove(uid) && classFailure == null) {
                classFailure = Outcome.skipped(reason);
                return;
            }
        }
        if (gated(uid)) {
            // Disabled here before this gate was asked: answer the host if it asked for it.
            Request r = next();
            synchronized (this) {
                if (!r.end() && r.uid().equals(uid)) {
                    pending = null;
                    replier.reply(r.reply(), Outcome.skipped(reason));
                }
            }
        }
    }

    @Override
    public synchronized void executionFinished(TestIdentifier id, TestExecutionResult result) {
        String uid = id.getUniqueId();
        if (running != null && running.uid().equals(uid)) {
            replier.reply(running.reply(), Outcome.of(result));
            running = null;
        } else if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL && isClassOrAbove(uid)
                && classFailure == null) {
            classFailure = Outcome.of(result);
        }
    }

    private boolean isClassOrAbove(String uid) {
        return classUid.equals(uid) || classUid.startsWith(uid + "/");
    }
}

package io.jcma.junit.internal;

import org.testcontainers.containers.Container;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The host's end of one test class's {@link Lockstep} session: each request is a
 * {@code docker exec} of a shell that makes a reply FIFO, writes the request line to the
 * server's FIFO and prints the reply.
 */
final class RemoteClass implements AutoCloseable {
    private static final String SEND = "f=\"$1\"; mkfifo \"$f\" || exit 90; printf '%s\\n' \"$2\" > "
            + RemoteServer.REQUESTS + "; cat \"$f\"; s=$?; rm -f \"$f\"; exit $s";

    private final JdkContainer container;
    private final String classUid;
    private String sid;
    private boolean ended;

    private RemoteClass(JdkContainer container, String classUid) {
        this.container = container;
        this.classUid = classUid;
        this.sid = open();
    }

    static RemoteClass open(JdkContainer container, String classUid) {
        return new RemoteClass(container, classUid);
    }

    private String open() {
        String s = UUID.randomUUID().toString();
        Outcome o = send("OPEN", s, classUid);
        if (o.status() != Outcome.Status.SUCCESSFUL) {
            throw new IllegalStateException("session for " + classUid + " did not open: " + o.failure());
        }
        return s;
    }

    /** Runs the test {@code testUid} of this class in the container. */
    synchronized Outcome run(String testUid) {
        Outcome o = send("RUN", sid, testUid);
        if (o.status() == Outcome.Status.MISSED) {
            // The container's run of the class went past the test (the orders differed): a new run.
            send("END", sid, classUid);
            sid = open();
            o = send("RUN", sid, testUid);
            if (o.status() == Outcome.Status.MISSED) {
                return Outcome.of(Outcome.Status.FAILED, new IllegalStateException("test " + testUid
                        + " was not found by the container's JUnit run of " + classUid + " (" + o.failure().getMessage()
                        + ")")).withOutput(o.out(), o.err());
            }
        }
        return o;
    }

    /** Ends the session: the class's {@code @AfterAll} runs there; its own result comes back. */
    synchronized Outcome end() {
        if (ended) {
            return Outcome.successful();
        }
        ended = true;
        return send("END", sid, classUid);
    }

    @Override
    public void close() {
        if (!ended && container.running()) {
            end();
        }
    }

    private Outcome send(String verb, String session, String uid) {
        return Wire.decode(request(container, verb, session, uid), Outcome.class);
    }

    /** Sends one request to the container's {@link RemoteServer} and returns its reply line. */
    static String request(JdkContainer container, String verb, String session, String argument) {
        String reply = "/tmp/jcma-reply-" + UUID.randomUUID();
        String line = reply + " " + verb + " " + session + " "
                + Base64.getEncoder().encodeToString(argument.getBytes(StandardCharsets.UTF_8));
        Container.ExecResult r = container.exec(List.of("sh", "-c", SEND, "sh", reply, line));
        if (r.getExitCode() != 0 || r.getStdout().isBlank()) {
            throw new IllegalStateException("container " + container.id() + " of " + container.image()
                    + " did not answer " + verb + " " + argument + ": exit " + r.getExitCode() + ", stderr: "
                    + r.getStderr().strip() + (container.running() ? "" : "\n--- its output ---\n" + container.logs()));
        }
        return r.getStdout();
    }
}

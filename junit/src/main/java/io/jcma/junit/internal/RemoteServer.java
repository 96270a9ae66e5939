package io.jcma.junit.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.List;

/**
 * The JVM the container path runs inside the container: reads requests, one line each, from a
 * FIFO that {@code docker exec}'d shells write to, and writes each outcome to the FIFO the
 * request names, which that shell prints. No port is opened, so nothing outside the container
 * can reach it, and it works with a remote Docker engine too.
 *
 * <pre>
 * request: REPLY_FIFO SP VERB SP SESSION SP BASE64(ARGUMENT) LF   VERB: OPEN | RUN | END | SUITE
 * reply:   BASE64(serialised Outcome, or for SUITE a list of SuiteRun.Result) LF
 * </pre>
 *
 * OPEN starts the {@link Lockstep} session of one class (argument: its unique id), RUN asks it
 * for one test (the test's unique id), END closes it (answered with the class's own result: an
 * {@code @AfterAll} failure, say). SUITE runs whole classes (argument: their names, one a line)
 * with no lockstep and answers with every test's result.
 */
public final class RemoteServer {
    /** The line the container's log shows when the server reads requests. */
    static final String READY = "jcma-remote: ready";
    /** The request FIFO inside the container. */
    static final String REQUESTS = "/jcma/requests";

    private static final Capture CAPTURE = new Capture();

    private RemoteServer() {
    }

    /** {@code RemoteServer REQUEST_FIFO}. */
    public static void main(String[] args) throws IOException {
        Path requests = Path.of(args.length > 0 ? args[0] : REQUESTS);
        PrintStream console = System.out;
        System.setOut(new PrintStream(CAPTURE.out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(CAPTURE.err, true, StandardCharsets.UTF_8));
        // Read and write, so the FIFO never reads end-of-file between two writers. Read by hand:
        // a Reader over a FileChannel keeps reading to fill its buffer, as if it were a file.
        try (FileChannel ch = FileChannel.open(requests, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            console.println(READY);
            console.flush();
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (ch.read(buf) >= 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    byte b = buf.get();
                    if (b != '\n') {
                        line.write(b);
                        continue;
                    }
                    String request = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    try {
                        handle(request);
                    } catch (RuntimeException e) {
                        console.println("jcma-remote: bad request: " + request + ": " + e);
                    }
                }
                buf.clear();
            }
        }
    }

    private static void handle(String line) {
        String[] w = line.split(" ");
        if (w.length != 4) {
            throw new IllegalArgumentException("request: " + line + " (expected: REPLY VERB SESSION UID)");
        }
        Path reply = Path.of(w[0]);
        String sid = w[2];
        String uid = new String(Base64.getDecoder().decode(w[3]), StandardCharsets.UTF_8);
        switch (w[1]) {
            case "OPEN" -> {
                new Lockstep(sid, uid, RemoteServer::reply).start();
                reply(reply, Outcome.successful());
            }
            case "SUITE" -> SuiteRun.start(List.of(uid.split("\n")), reply);
            case "RUN", "END" -> Lockstep.session(sid).ifPresentOrElse(
                    s -> s.offer(new Lockstep.Request(w[1], uid, reply)),
                    () -> reply(reply, Outcome.missed("no session " + sid + " in the container")));
            default -> throw new IllegalArgumentException("verb: " + w[1] + " (expected: OPEN, RUN, END or SUITE)");
        }
    }

    /** Writes {@code o}, with what the tests printed since the last reply, to the FIFO {@code to}. */
    static void reply(Path to, Outcome o) {
        send(to, withOutput(o));
    }

    /** {@code o} with what the tests printed since the last call. */
    static Outcome withOutput(Outcome o) {
        return o.withOutput(CAPTURE.drainOut(), CAPTURE.drainErr());
    }

    /** Writes {@code o} to the FIFO {@code to}. */
    static void send(Path to, Serializable o) {
        try {
            Files.writeString(to, Wire.encode(o) + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("reply to " + to + ": " + e, e);
        }
    }

    /** System.out and System.err of the tests, collected until the next reply takes them. */
    private static final class Capture {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        String drainOut() {
            return drain(out);
        }

        String drainErr() {
            return drain(err);
        }

        private static String drain(ByteArrayOutputStream b) {
            synchronized (b) {
                String s = b.toString(StandardCharsets.UTF_8);
                b.reset();
                return s;
            }
        }
    }
}

package io.jcma.junit.testing;

import io.jcma.junit.PhysicalAddresses;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Docker engine as the tests see it, asked directly over its socket (HTTP/1.0, no client
 * library), so whether a test skips for want of an engine or an image is decided apart from the
 * container path under test.
 */
public final class DockerApi {
    private DockerApi() {
    }

    public record Response(int status, String body) {
    }

    /** The engine's socket: DOCKER_HOST when it is unix://, else the default. */
    public static Path socket() {
        String host = System.getenv("DOCKER_HOST");
        if (host != null && host.startsWith("unix://")) {
            return Path.of(host.substring("unix://".length()));
        }
        return Path.of("/var/run/docker.sock");
    }

    /** Why no engine answers /_ping, if none does. */
    public static Optional<String> missing() {
        String host = System.getenv("DOCKER_HOST");
        if (host != null && !host.startsWith("unix://")) {
            return Optional.of("DOCKER_HOST=" + host + ": the tests ask only unix sockets");
        }
        Path s = socket();
        if (!Files.exists(s)) {
            return Optional.of("no Docker engine: " + s + " does not exist");
        }
        try {
            Response r = get("/_ping");
            return r.status() == 200 ? Optional.empty()
                    : Optional.of("no Docker engine: " + s + " answered /_ping with " + r.status());
        } catch (IOException e) {
            return Optional.of("no Docker engine: " + s + ": " + e.getMessage());
        }
    }

    public static void assumeEngine() {
        Optional<String> why = missing();
        assumeTrue(why.isEmpty(), () -> why.orElseThrow());
    }

    /** The image the container path will use, as the user configured it (or the default). */
    public static String image() {
        String p = System.getProperty(PhysicalAddresses.IMAGE_PROPERTY);
        if (p != null && !p.isBlank()) {
            return p.strip();
        }
        String e = System.getenv(PhysicalAddresses.IMAGE_ENV);
        return e != null && !e.isBlank() ? e.strip() : PhysicalAddresses.DEFAULT_IMAGE;
    }

    /** Why the engine does not answer or lacks the image (no registry is needed when it has it). */
    public static Optional<String> engineWithImageMissing() {
        Optional<String> engine = missing();
        if (engine.isPresent()) {
            return engine;
        }
        String image = image();
        int status;
        try {
            status = get("/images/" + URLEncoder.encode(image, StandardCharsets.UTF_8) + "/json").status();
        } catch (IOException e) {
            return Optional.of("Docker engine at " + socket() + ": " + e.getMessage());
        }
        return status == 200 ? Optional.empty() : Optional.of("image " + image + " is not on the Docker engine ("
                + status + "); build a JDK 25 image and name it with -D" + PhysicalAddresses.IMAGE_PROPERTY
                + " (see .ci/containers.sh)");
    }

    /** Skips unless the engine answers and already has the image. */
    public static void assumeEngineWithImage() {
        Optional<String> why = engineWithImageMissing();
        assumeTrue(why.isEmpty(), () -> why.orElseThrow());
    }

    public static Response get(String path) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket()));
            ch.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.0\r\nHost: docker\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (ch.read(buf) >= 0) {
                buf.flip();
                b.write(buf.array(), 0, buf.limit());
                buf.clear();
            }
            String all = b.toString(StandardCharsets.UTF_8);
            int sp = all.indexOf(' ');
            int status = Integer.parseInt(all.substring(sp + 1, sp + 4));
            int body = all.indexOf("\r\n\r\n");
            return new Response(status, body < 0 ? "" : all.substring(body + 4));
        }
    }
}

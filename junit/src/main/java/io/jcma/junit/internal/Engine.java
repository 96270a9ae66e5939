package io.jcma.junit.internal;

import io.jcma.junit.PhysicalAddresses;
import org.testcontainers.DockerClientFactory;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The container side of the host: whether a Docker engine answers (asked once per JVM, through
 * Testcontainers' own discovery: DOCKER_HOST, ~/.testcontainers.properties, the default
 * socket), which image to run and which mode the user chose.
 */
public final class Engine {
    private static volatile Optional<String> missing;

    private Engine() {
    }

    /** Why no Docker engine can be used, if none can; asked once and remembered. */
    public static Optional<String> missing() {
        Optional<String> m = missing;
        if (m == null) {
            synchronized (Engine.class) {
                m = missing;
                if (m == null) {
                    m = probe();
                    missing = m;
                }
            }
        }
        return m;
    }

    private static Optional<String> probe() {
        String dockerHost = System.getenv("DOCKER_HOST");
        String where = dockerHost != null ? "DOCKER_HOST=" + dockerHost : "the default socket";
        if (dockerHost != null && dockerHost.startsWith("unix://")) {
            // Testcontainers would fall back to the default socket; DOCKER_HOST names the engine.
            Optional<String> socket = unixSocketMissing(Path.of(dockerHost.substring("unix://".length())));
            if (socket.isPresent()) {
                return Optional.of("no Docker engine (" + where + "): " + socket.get());
            }
        }
        try {
            DockerClientFactory.instance().client();
            return Optional.empty();
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("no Docker engine (" + where + "): " + e.getMessage());
        }
    }

    static Optional<String> unixSocketMissing(Path socket) {
        if (!Files.exists(socket)) {
            return Optional.of(socket + " does not exist");
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot connect to " + socket + ": " + e.getMessage());
        }
    }

    /** The image: {@code override} if given, else the system property, the variable, the default. */
    public static String image(String override) {
        return image(override, System::getProperty, System::getenv);
    }

    static String image(String override, Function<String, String> properties, Function<String, String> env) {
        if (override != null && !override.isBlank()) {
            return override.strip();
        }
        return setting(PhysicalAddresses.IMAGE_PROPERTY, PhysicalAddresses.IMAGE_ENV, properties, env)
                .orElse(PhysicalAddresses.DEFAULT_IMAGE);
    }

    /** Whether the image was named by the user rather than defaulted. */
    static boolean imageConfigured(Function<String, String> properties, Function<String, String> env) {
        return setting(PhysicalAddresses.IMAGE_PROPERTY, PhysicalAddresses.IMAGE_ENV, properties, env).isPresent();
    }

    /**
     * The mode for {@link PhysicalAddresses.Where#AUTO} tests.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    static PhysicalAddresses.Where mode(Function<String, String> properties, Function<String, String> env) {
        Optional<String> v = setting(PhysicalAddresses.MODE_PROPERTY, PhysicalAddresses.MODE_ENV, properties, env);
        if (v.isEmpty()) {
            return PhysicalAddresses.Where.AUTO;
        }
        return switch (v.get().toLowerCase(Locale.ROOT)) {
            case "auto" -> PhysicalAddresses.Where.AUTO;
            case "host" -> PhysicalAddresses.Where.HOST;
            case "container" -> PhysicalAddresses.Where.CONTAINER;
            default -> throw new IllegalArgumentException(PhysicalAddresses.MODE_PROPERTY + ": " + v.get()
                    + " (expected: auto, host or container)");
        };
    }

    private static Optional<String> setting(String property, String variable, Function<String, String> properties,
                                            Function<String, String> env) {
        String p = properties.apply(property);
        if (p != null && !p.isBlank()) {
            return Optional.of(p.strip());
        }
        String e = env.apply(variable);
        if (e != null && !e.isBlank()) {
            return Optional.of(e.strip());
        }
        return Optional.empty();
    }
}

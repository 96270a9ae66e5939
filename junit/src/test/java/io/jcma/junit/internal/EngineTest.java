package io.jcma.junit.internal;

import io.jcma.junit.PhysicalAddresses;
import io.jcma.junit.PhysicalAddresses.Where;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The image and mode settings (property before variable before default) and the socket check. */
class EngineTest {
    private static Function<String, String> of(Map<String, String> m) {
        return m::get;
    }

    private static final Function<String, String> NONE = k -> null;

    @Test
    void theDefaultImageIsTemurin25() {
        assertThat(Engine.image(null, NONE, NONE)).isEqualTo("eclipse-temurin:25-jdk");
        assertThat(Engine.imageConfigured(NONE, NONE)).isFalse();
    }

    @Test
    void thePropertyNamesTheImageBeforeTheVariable() {
        var props = of(Map.of(PhysicalAddresses.IMAGE_PROPERTY, "local/a"));
        var env = of(Map.of(PhysicalAddresses.IMAGE_ENV, "local/b"));
        assertThat(Engine.image(null, props, env)).isEqualTo("local/a");
        assertThat(Engine.image(null, NONE, env)).isEqualTo("local/b");
        assertThat(Engine.imageConfigured(NONE, env)).isTrue();
    }

    @Test
    void anExplicitImageWins() {
        assertThat(Engine.image(" local/c ", of(Map.of(PhysicalAddresses.IMAGE_PROPERTY, "local/a")), NONE))
                .isEqualTo("local/c");
    }

    @Test
    void blankSettingsAreUnset() {
        assertThat(Engine.image("", of(Map.of(PhysicalAddresses.IMAGE_PROPERTY, " ")), NONE))
                .isEqualTo(PhysicalAddresses.DEFAULT_IMAGE);
    }

    @Test
    void modes() {
        assertThat(Engine.mode(NONE, NONE)).isEqualTo(Where.AUTO);
        assertThat(Engine.mode(of(Map.of(PhysicalAddresses.MODE_PROPERTY, "Container")), NONE)).isEqualTo(Where.CONTAINER);
        assertThat(Engine.mode(NONE, of(Map.of(PhysicalAddresses.MODE_ENV, "host")))).isEqualTo(Where.HOST);
        assertThat(Engine.mode(NONE, of(Map.of(PhysicalAddresses.MODE_ENV, "auto")))).isEqualTo(Where.AUTO);
    }

    @Test
    void aBadModeIsAnError() {
        assertThatThrownBy(() -> Engine.mode(of(Map.of(PhysicalAddresses.MODE_PROPERTY, "always")), NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("jcma.container.mode: always (expected: auto, host or container)");
    }

    @Test
    void aMissingSocketIsNamed(@TempDir Path dir) {
        Path s = dir.resolve("docker.sock");
        assertThat(Engine.unixSocketMissing(s)).contains(s + " does not exist");
    }

    @Test
    void aListeningSocketIsThere(@TempDir Path dir) throws Exception {
        Path s = dir.resolve("docker.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(s));
            assertThat(Engine.unixSocketMissing(s)).isEmpty();
        }
        // Bound once, nobody listens: the file stays, connecting is refused.
        assertThat(Engine.unixSocketMissing(s)).hasValueSatisfying(m -> assertThat(m)
                .startsWith("cannot connect to " + s + ": "));
    }
}

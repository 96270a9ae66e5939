package io.jcma.junit;

import io.jcma.junit.fixtures.ContainerOnly;
import io.jcma.junit.internal.Classpath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without a Docker engine, a test placed in a container is skipped and says why: a child JVM
 * whose DOCKER_HOST names a socket that does not exist runs {@link ContainerOnly}.
 */
class NoEngineTest {
    private static final String MISSING = "unix:///nonexistent/jcma/docker.sock";

    @Test
    void aContainerTestSkipsNamingTheMissingEngine() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of(), Map.of("DOCKER_HOST", MISSING), null, Classpath.current(), List.of(),
                ContainerOnly.class.getName());
        assertThat(r.exit()).as(r.out()).isZero();
        // The class is placed, so the class is skipped (its test with it).
        assertThat(r.lines()).filteredOn(l -> l.contains(ContainerOnly.class.getName())).singleElement()
                .satisfies(l -> assertThat(l).startsWith("SKIPPED ")
                        .contains("where=CONTAINER, and no container to run it in: no Docker engine (DOCKER_HOST="
                                + MISSING + ")"));
    }
}

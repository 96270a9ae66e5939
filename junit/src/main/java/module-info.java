/**
 * The JUnit 5 extension for driver and device-model tests: a booted platform injected into the
 * test, and leaks, DMA-API debug reports and undeclared device faults failing it; and the
 * container path, which runs a test that needs real physical addresses inside a container with
 * CAP_SYS_ADMIN when the JVM running the tests cannot see them.
 */
module io.jcma.junit {
    requires transitive io.jcma.devices;
    requires io.jcma.shim;
    requires transitive org.junit.jupiter.api;
    requires org.junit.platform.launcher;
    requires testcontainers;
    requires com.github.dockerjava.api;
    requires java.management;

    exports io.jcma.junit;
    // ./jcma hugepages --container starts its container the same way.
    exports io.jcma.junit.internal to io.jcma.cli;
    // JUnit instantiates the extension named by @PhysicalAddresses.
    opens io.jcma.junit.internal to org.junit.platform.commons;
}

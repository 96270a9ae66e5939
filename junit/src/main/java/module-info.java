/**
 * The JUnit 5 extension for driver and device-model tests: a booted platform injected into the
 * test, and leaks, DMA-API debug reports and undeclared device faults failing it.
 */
module io.jcma.junit {
    requires transitive io.jcma.devices;
    requires io.jcma.shim;
    requires transitive org.junit.jupiter.api;
}

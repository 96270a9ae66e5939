package io.jcma.junit.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Capabilities, pagemap and hugepage pools read from files laid out like /proc and sysfs. */
class HostFactsTest {
    @TempDir
    Path dir;

    private static final String ROOT_STATUS = "Name:\tjava\nUid:\t0\t0\t0\t0\nCapInh:\t0000000000000000\n"
            + "CapPrm:\t000001fffeffffff\nCapEff:\t000001fffeffffff\nCapBnd:\t000001fffeffffff\n";
    private static final String USER_STATUS = "Name:\tjava\nUid:\t1000\t1000\t1000\t1000\nCapEff:\t0000000000000000\n";

    private HostFacts facts(String status, boolean pagemap) throws IOException {
        Path s = Files.writeString(dir.resolve("status"), status);
        Path pm = dir.resolve("pagemap");
        if (pagemap) {
            Files.writeString(pm, "");
        }
        return HostFacts.read(s, pm, dir.resolve("hugepages"));
    }

    private void pool(String name, long free, long resv) throws IOException {
        Path p = Files.createDirectories(dir.resolve("hugepages").resolve(name));
        Files.writeString(p.resolve("free_hugepages"), free + "\n");
        Files.writeString(p.resolve("resv_hugepages"), resv + "\n");
    }

    @Test
    void capEffIsParsedAsHex() {
        assertThat(HostFacts.capEff(ROOT_STATUS)).isEqualTo(0x1fffeffffffL);
        assertThat(HostFacts.capEff("CapEff:\tffffffffffffffff\n")).isEqualTo(-1L);
    }

    @Test
    void capEffMissingIsAnError() {
        assertThatThrownBy(() -> HostFacts.capEff("Name:\tjava\n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CapEff: missing (expected: a line CapEff:\\t<hex>)");
    }

    @Test
    void capEffNotHexIsAnError() {
        assertThatThrownBy(() -> HostFacts.capEff("CapEff:\tzz\n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CapEff: zz (expected: hex mask)");
    }

    @Test
    void rootWithPagemapSeesPhysicalAddresses() throws IOException {
        HostFacts f = facts(ROOT_STATUS, true);
        assertThat(f.capSysAdmin()).isTrue();
        assertThat(f.physicalAddressesHidden()).isEmpty();
    }

    @Test
    void withoutCapSysAdminPfnsAreHidden() throws IOException {
        HostFacts f = facts(USER_STATUS, true);
        assertThat(f.capSysAdmin()).isFalse();
        assertThat(f.physicalAddressesHidden()).contains(
                "CapEff 0x0 lacks CAP_SYS_ADMIN (bit 21): /proc/self/pagemap shows pfn 0");
    }

    @Test
    void onlyBit21Counts() throws IOException {
        assertThat(facts("CapEff:\t0000000000200000\n", true).capSysAdmin()).isTrue();
        assertThat(facts("CapEff:\t000001fffedfffff\n", true).capSysAdmin()).isFalse();
    }

    @Test
    void anUnreadablePagemapHidesThemToo() throws IOException {
        assertThat(facts(ROOT_STATUS, false).physicalAddressesHidden()).contains("/proc/self/pagemap is not readable");
    }

    @Test
    void anUnreadableStatusCountsAsNoCapabilities() {
        HostFacts f = HostFacts.read(dir.resolve("missing"), dir.resolve("pagemap"), dir);
        assertThat(f.capEff()).isZero();
    }

    @Test
    void hugepagesAreFreeMinusReserved() throws IOException {
        pool("hugepages-2048kB", 10, 4);
        HostFacts f = facts(ROOT_STATUS, true);
        assertThat(f.hugepagesMissing(2 << 20, 6)).isEmpty();
        assertThat(f.hugepagesMissing(2 << 20, 7)).contains("needs 7 free hugepages-2048kB pages, 6 available"
                + " (free_hugepages=10 resv_hugepages=4; as root: echo 64 > /proc/sys/vm/nr_hugepages)");
    }

    @Test
    void aMissingPoolSaysSo() throws IOException {
        pool("hugepages-2048kB", 10, 0);
        assertThat(facts(ROOT_STATUS, true).hugepagesMissing(1L << 30, 1)).hasValueSatisfying(s -> assertThat(s)
                .startsWith("needs 1 1G hugepages: no ").endsWith("hugepages-1048576kB (host without 1G hugepages)"));
    }

    @Test
    void noPagesNeedsNoPool() throws IOException {
        assertThat(facts(ROOT_STATUS, true).hugepagesMissing(2 << 20, 0)).isEmpty();
    }
}

package io.jcma.cma.boot;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** early_numa_cma() and early_cma_pernuma(): lenient like the kernel's, stopping at the first bad item. */
class NumaCmaParseTest {
    private static EarlyCma numa(String v) {
        EarlyCma c = new EarlyCma();
        c.parseNuma(v);
        return c;
    }

    @Test
    void readsNodeSizePairs() {
        EarlyCma c = numa("0:16M,1:0x2000000,3:1G");
        assertThat(c.numaSize[0]).isEqualTo(16L << 20);
        assertThat(c.numaSize[1]).isEqualTo(32L << 20);
        assertThat(c.numaSize[3]).isEqualTo(1L << 30);
        assertThat(c.numaSize[2]).isZero();
    }

    @Test
    void stopsAtTheFirstBadItemKeepingWhatCameBefore() {
        EarlyCma c = numa("0:16M,x:32M,1:8M");
        assertThat(c.numaSize[0]).isEqualTo(16L << 20);
        assertThat(c.numaSize[1]).isZero();
        assertThat(numa("16M").numaSize).containsOnly(0L);
        assertThat(numa("0:16M;1:8M").numaSize[1]).isZero();
    }

    @Test
    void nodesFromMaxNumnodesOnAreIgnored() {
        EarlyCma c = numa(EarlyCma.MAX_NUMNODES + ":16M,0:8M");
        assertThat(c.numaSize).containsOnly(0L);
        assertThat(numa((EarlyCma.MAX_NUMNODES - 1) + ":8M").numaSize[EarlyCma.MAX_NUMNODES - 1]).isEqualTo(8L << 20);
        assertThat(numa("99999999999999999999:8M").numaSize).containsOnly(0L);
    }

    @Test
    void laterItemsForANodeOverwriteEarlierOnes() {
        assertThat(numa("0:16M,0:4M").numaSize[0]).isEqualTo(4L << 20);
    }

    @Test
    void pernumaIsAMemparsedSize() {
        EarlyCma c = new EarlyCma();
        c.parsePernuma("64M");
        assertThat(c.pernumaSize).isEqualTo(64L << 20);
        c.parsePernuma("foo");
        assertThat(c.pernumaSize).isZero();
        c.parsePernuma(null);
        assertThat(c.pernumaSize).isZero();
    }
}

package io.jcma.cma.boot;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CmdlineTest {
    @Test
    void splitsOnWhitespaceWithQuotesAndStopsAtDoubleDash() {
        Cmdline c = Cmdline.parse("  quiet cma=64M  foo=\"a b\" bare= -- cma=1G");
        assertThat(c.params()).extracting(Cmdline.Param::toString)
                .containsExactly("quiet", "cma=64M", "foo=a b", "bare=");
        assertThat(c.params().getFirst().value()).isNull();
        assertThat(c.all("cma")).hasSize(1);
    }

    @Test
    void memparseReadsCNumbersAndSuffixes() {
        assertThat(Cmdline.memparse("64M", 0)).isEqualTo(new Cmdline.Parsed(64L << 20, 3));
        assertThat(Cmdline.memparse("0x10k", 0).value()).isEqualTo(16L << 10);
        assertThat(Cmdline.memparse("010", 0).value()).isEqualTo(8);
        assertThat(Cmdline.memparse("2g@", 0)).isEqualTo(new Cmdline.Parsed(2L << 30, 2));
        assertThat(Cmdline.memparse("1T", 0).value()).isEqualTo(1L << 40);
        assertThat(Cmdline.memparse("foo", 0)).isEqualTo(new Cmdline.Parsed(0, 0));
        assertThat(Cmdline.memparse("0xg", 0)).isEqualTo(new Cmdline.Parsed(0, 1));
        assertThat(Cmdline.memparse("64MB", 0)).isEqualTo(new Cmdline.Parsed(64L << 20, 3));
    }

    @Test
    void rangesAreEndInclusive() {
        MemRange r = MemRange.parse("0x100000-0x3ffdffff@1");
        assertThat(r.start()).isEqualTo(0x100000L);
        assertThat(r.end()).isEqualTo(0x3ffe0000L);
        assertThat(r.nid()).isEqualTo(1);
    }
}

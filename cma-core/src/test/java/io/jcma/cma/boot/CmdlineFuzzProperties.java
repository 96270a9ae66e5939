package io.jcma.cma.boot;

import io.jcma.cma.Cma;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever the command line, a boot logs what the kernel would and goes on: no exception, and
 * every area it made lies in RAM, inside memblock's reservations, apart from every other area.
 */
class CmdlineFuzzProperties {
    private static final long MiB = 1L << 20;

    @Provide
    Arbitrary<String> cmdlines() {
        Arbitrary<String> number = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 1L << 34).map(v -> Long.toString(v)),
                Arbitraries.longs().between(0, 1L << 34).map(v -> "0x" + Long.toHexString(v)),
                Arbitraries.integers().between(0, 5000).map(v -> v + "M"),
                Arbitraries.integers().between(0, 20).map(v -> v + "G"),
                Arbitraries.of("", "-1", "8E", "0x7fffffffffffffff", "18446744073709551615", "foo", "0x", "64MB", "1K"));
        Arbitrary<String> cma = Combinators.combine(number, number, number, Arbitraries.integers().between(0, 2))
                .as((size, base, limit, form) -> switch (form) {
                    case 0 -> "cma=" + size;
                    case 1 -> "cma=" + size + "@" + base;
                    default -> "cma=" + size + "@" + base + "-" + limit;
                });
        Arbitrary<String> numa = Combinators.combine(Arbitraries.integers().between(-1, 70), number)
                .as((n, size) -> n + ":" + size).list().ofMinSize(1).ofMaxSize(3)
                .map(items -> "numa_cma=" + String.join(",", items));
        Arbitrary<String> pernuma = number.map(v -> "cma_pernuma=" + v);
        Arbitrary<String> other = Arbitraries.of("cma", "cma=", "quiet", "numa_cma", "numa-cma=1:8M", "--", "\"cma=8M\"");
        return Arbitraries.oneOf(cma, numa, pernuma, other).list().ofMinSize(0).ofMaxSize(4)
                .map(params -> String.join(" ", params));
    }

    @Property(tries = 200)
    void anyCommandLineBootsAndLeavesConsistentAreas(@ForAll("cmdlines") String cmdline, @ForAll boolean arm64) {
        Platform p = Platform.builder().memory(new MemRange(0, 512 * MiB, 0)).memory(new MemRange(512 * MiB, 1024 * MiB, 1))
                .cmdline(cmdline).arch(arm64 ? Arch.ARM64 : Arch.X86_64).build();
        try (Machine m = Machine.boot(p)) {
            List<Cma> areas = new ArrayList<>(m.cma().areas());
            areas.removeIf(c -> c.count() == 0);
            areas.sort(Comparator.comparingLong(Cma::basePfn));
            for (int i = 0; i < areas.size(); i++) {
                Cma c = areas.get(i);
                assertThat(m.memory().isRam(c.basePfn(), c.count())).as("%s in RAM", c).isTrue();
                assertThat(m.memblock().isRegionWhollyReserved(c.base(), c.size())).as("%s reserved", c).isTrue();
                if (i > 0) {
                    Cma prev = areas.get(i - 1);
                    assertThat(prev.basePfn() + prev.count()).as("%s and %s apart", prev, c).isLessThanOrEqualTo(c.basePfn());
                }
                assertThat(c.alloc(1, 0, true)).as("%s allocates", c).isPresent();
            }
            Statistics.label("areas").collect(areas.size());
            assertThat(m.cma().totalcmaPages()).isEqualTo(areas.stream().mapToLong(Cma::count).sum());
        }
    }
}

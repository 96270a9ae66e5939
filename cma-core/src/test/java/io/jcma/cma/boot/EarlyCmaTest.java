package io.jcma.cma.boot;

import io.jcma.cma.Cma;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cma= parameter (early_cma) and dma_contiguous_reserve(), booted end to end: one test per
 * rule, checked against what real kernels do with the same memory and command line.
 */
class EarlyCmaTest {
    private static final long MiB = 1L << 20;
    private static final long GiB = 1L << 30;
    private final List<Machine> machines = new ArrayList<>();

    @AfterEach
    void close() {
        machines.forEach(Machine::close);
    }

    private Machine boot(long mem, String cmdline, Arch arch) {
        Machine m = Machine.boot(Platform.builder().mem(mem).cmdline(cmdline).arch(arch).build());
        machines.add(m);
        return m;
    }

    private Machine boot(long mem, String cmdline) {
        return boot(mem, cmdline, Arch.X86_64);
    }

    @Test
    void bareCmaIsMalformed() {
        Machine m = boot(1 * GiB, "cma");
        assertThat(m.cma().areas()).isEmpty();
        assertThat(m.log().lines()).contains("cma: Config string not provided", "Malformed early option 'cma'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cma=", "cma=foo", "cma=-64M", "cma=0"})
    void badOrZeroSizesGiveNoAreaAndNoMessage(String cmdline) {
        Machine m = boot(1 * GiB, cmdline);
        assertThat(m.cma().areas()).isEmpty();
        assertThat(m.errors()).isEmpty();
        assertThat(m.log().lines()).noneMatch(l -> l.startsWith("cma:"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cma=64M", "cma=64MB", "cma=0x4000000", "cma=65536K", "cma=67108864"})
    void acceptedSpellingsOfSixtyFourMib(String cmdline) {
        Machine m = boot(1 * GiB, cmdline);
        assertThat(m.cma().areas()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("reserved");
            assertThat(c.size()).isEqualTo(64 * MiB);
        });
    }

    @Test
    void sizesRoundUpToTwoMib() {
        assertThat(boot(1 * GiB, "cma=1M").defaultArea().orElseThrow().size()).isEqualTo(2 * MiB);
        assertThat(boot(1 * GiB, "cma=3000000").defaultArea().orElseThrow().size()).isEqualTo(4 * MiB);
    }

    @Test
    void baseWithoutEndIsFixed() {
        Cma c = boot(4 * GiB, "cma=64M@0x20000000").defaultArea().orElseThrow();
        assertThat(c.basePfn()).isEqualTo(131072);
        assertThat(c.count()).isEqualTo(16384);
    }

    @Test
    void baseAndEndGiveARangeSearchedTopDown() {
        Cma c = boot(4 * GiB, "cma=64M@0x10000000-0x30000000").defaultArea().orElseThrow();
        assertThat(c.base()).isEqualTo(0x30000000L - 64 * MiB);
    }

    @Test
    void garbageBaseReadsAsZeroWithLimitSize() {
        // base 0, limit 64M: nothing of 64 MiB fits below 64 MiB above the first page.
        Machine m = boot(1 * GiB, "cma=64M@foo");
        assertThat(m.cma().areas()).isEmpty();
        assertThat(m.errors()).containsExactly("cma: Failed to reserve 64 MiB on node -1");
    }

    @Test
    void aSecondCmaKeepsTheFirstOnesBaseAndLimit() {
        Cma c = boot(4 * GiB, "cma=64M@0x20000000 cma=32M").defaultArea().orElseThrow();
        // size 32M, base 0x20000000, limit 0x24000000: not fixed (base + size != limit), top-down.
        assertThat(c.size()).isEqualTo(32 * MiB);
        assertThat(c.base()).isEqualTo(0x24000000L - 32 * MiB);
    }

    @Test
    void x86DefaultLimitIsTheEndOfRamSoFiveGibLandsAboveFourGib() {
        Cma c = boot(5 * GiB, "cma=64M").defaultArea().orElseThrow();
        assertThat(c.base()).isEqualTo(4 * GiB);
    }

    @Test
    void arm64DefaultLimitIsFourGib() {
        Cma c = boot(5 * GiB, "cma=64M", Arch.ARM64).defaultArea().orElseThrow();
        assertThat(c.base() + c.size()).isLessThanOrEqualTo(4 * GiB);
    }

    @Test
    void hugeSizesFailWithTheKernelsLinesInsteadOfCrashingTheBoot() {
        for (String cmdline : new String[] {"cma=0x7fffffffffffffff", "cma=8E", "cma=64M@0x7fffffffffe00000"}) {
            Machine m = boot(1 * GiB, cmdline);
            assertThat(m.cma().areas()).as(cmdline).isEmpty();
            assertThat(m.errors()).as(cmdline).last().asString().startsWith("cma: Failed to reserve");
        }
    }

    @Test
    void theCmdlineLimitIsCappedByTheArchLimitAsMinNotZeroDoes() {
        // arm64 limits the default area to 4 GiB; cma=256M@5G asks for 5 GiB + 256 MiB: 6.12 keeps 4 GiB.
        Machine m = boot(6 * GiB, "cma=256M@5G", Arch.ARM64);
        assertThat(m.cma().areas()).isEmpty();
        assertThat(m.errors()).contains("cma: Failed to reserve 256 MiB on node -1");
        Cma c = boot(6 * GiB, "cma=256M@0-8G", Arch.ARM64).defaultArea().orElseThrow();
        assertThat(c.base() + c.size()).isLessThanOrEqualTo(4 * GiB);
    }

    @Test
    void dashesAndUnderscoresInParameterNamesAreTheSame() {
        Machine m = Machine.boot(Platform.builder().memory(new MemRange(0, 2 * GiB, 0))
                .memory(new MemRange(2 * GiB, 4 * GiB, 1)).cmdline("cma-pernuma=16M").build());
        machines.add(m);
        assertThat(m.cma().byName("pernuma0")).isPresent();
        assertThat(m.cma().byName("pernuma1")).isPresent();
        assertThat(Cmdline.parameq("numa-cma", "numa_cma")).isTrue();
    }

    @Test
    void x86HasNoDefaultAreaWithoutCma() {
        assertThat(boot(1 * GiB, "").cma().areas()).isEmpty();
    }

    @Test
    void arm64HasSixtyFourMibWithoutCma() {
        Cma c = boot(2 * GiB, "", Arch.ARM64).defaultArea().orElseThrow();
        assertThat(c.size()).isEqualTo(64 * MiB);
        assertThat(c.name()).isEqualTo("reserved");
    }

    @Test
    void cmaZeroOnArm64DisablesTheDefaultArea() {
        assertThat(boot(2 * GiB, "cma=0", Arch.ARM64).cma().areas()).isEmpty();
    }

    @Test
    void reservationsBelowTheLimitPushTheAreaDown() {
        Machine m = Machine.boot(Platform.builder().mem(1 * GiB).cmdline("cma=32M")
                .reserve(MemRange.parse("0x3f000000-0x3fffffff")).build());
        machines.add(m);
        assertThat(m.defaultArea().orElseThrow().base()).isEqualTo(0x3f000000L - 32 * MiB);
    }

    @Test
    void theAreaIsActiveAndCountedInMeminfo() {
        Machine m = boot(1 * GiB, "cma=32M");
        assertThat(m.defaultArea().orElseThrow().active()).isTrue();
        assertThat(m.fs().read("/proc/meminfo")).contains("CmaTotal:          32768 kB");
    }
}

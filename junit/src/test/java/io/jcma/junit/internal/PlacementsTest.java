package io.jcma.junit.internal;

import io.jcma.junit.PhysicalAddresses.Where;
import io.jcma.junit.Placement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The decision table of {@link Placements#decide}, one test per rule. */
class PlacementsTest {
    private static final long ROOT_CAPS = 0x1fffeffffffL;
    private static final String IMAGE = "local/jcma-jdk25";
    private static final Supplier<Optional<String>> ENGINE = Optional::empty;

    @TempDir
    Path dir;

    private HostFacts host(long capEff, long freeHugepages) throws IOException {
        Path pool = Files.createDirectories(dir.resolve("hugepages-2048kB"));
        Files.writeString(pool.resolve("free_hugepages"), Long.toString(freeHugepages));
        Files.writeString(pool.resolve("resv_hugepages"), "0");
        return new HostFacts(capEff, true, dir);
    }

    private static Placements.Requirement needs(int pages, Where where) {
        return Placements.Requirement.of("2M", pages, where);
    }

    @Test
    void insideTheContainerEverythingRunsHere() throws IOException {
        Placement p = Placements.decide(needs(4, Where.CONTAINER), true, host(0, 0), Where.CONTAINER, ENGINE, IMAGE);
        assertThat(p).isEqualTo(new Placement.Here("inside the container the container path started"));
    }

    @Test
    void tooFewHugepagesRunsNowhere() throws IOException {
        Placement p = Placements.decide(needs(8, Where.AUTO), false, host(ROOT_CAPS, 3), Where.AUTO, ENGINE, IMAGE);
        assertThat(p).isInstanceOf(Placement.Unavailable.class);
        assertThat(p.reason()).startsWith("needs 8 free hugepages-2048kB pages, 3 available");
    }

    @Test
    void autoWithCapSysAdminRunsHere() throws IOException {
        Placement p = Placements.decide(needs(4, Where.AUTO), false, host(ROOT_CAPS, 8), Where.AUTO, ENGINE, IMAGE);
        assertThat(p).isEqualTo(new Placement.Here(
                "CapEff 0x1fffeffffff has CAP_SYS_ADMIN (bit 21) and /proc/self/pagemap is readable"));
    }

    @Test
    void autoWithoutCapSysAdminRunsInTheContainer() throws IOException {
        Placement p = Placements.decide(needs(4, Where.AUTO), false, host(0, 8), Where.AUTO, ENGINE, IMAGE);
        assertThat(p).isEqualTo(new Placement.InContainer(IMAGE,
                "CapEff 0x0 lacks CAP_SYS_ADMIN (bit 21): /proc/self/pagemap shows pfn 0"));
    }

    @Test
    void autoWithoutCapSysAdminAndWithoutEngineRunsNowhere() throws IOException {
        Placement p = Placements.decide(needs(4, Where.AUTO), false, host(0, 8), Where.AUTO,
                () -> Optional.of("no Docker engine (the default socket): refused"), IMAGE);
        assertThat(p).isEqualTo(new Placement.Unavailable("CapEff 0x0 lacks CAP_SYS_ADMIN (bit 21): "
                + "/proc/self/pagemap shows pfn 0, and no container to run it in: no Docker engine (the default"
                + " socket): refused"));
    }

    @Test
    void theEngineIsAskedOnlyWhenAContainerIsNeeded() throws IOException {
        AtomicInteger asked = new AtomicInteger();
        Supplier<Optional<String>> engine = () -> {
            asked.incrementAndGet();
            return Optional.empty();
        };
        Placements.decide(needs(0, Where.AUTO), false, host(ROOT_CAPS, 0), Where.AUTO, engine, IMAGE);
        Placements.decide(needs(0, Where.HOST), false, host(0, 0), Where.AUTO, engine, IMAGE);
        assertThat(asked).hasValue(0);
        Placements.decide(needs(0, Where.CONTAINER), false, host(ROOT_CAPS, 0), Where.AUTO, engine, IMAGE);
        assertThat(asked).hasValue(1);
    }

    @Test
    void whereContainerRunsInTheContainerEvenWithCapSysAdmin() throws IOException {
        Placement p = Placements.decide(needs(0, Where.CONTAINER), false, host(ROOT_CAPS, 0), Where.AUTO, ENGINE, IMAGE);
        assertThat(p).isEqualTo(new Placement.InContainer(IMAGE, "where=CONTAINER"));
    }

    @Test
    void whereHostRunsHereAndSaysWhatIsHidden() throws IOException {
        Placement p = Placements.decide(needs(0, Where.HOST), false, host(0, 0), Where.AUTO, ENGINE, IMAGE);
        assertThat(p).isEqualTo(new Placement.Here(
                "where=HOST (CapEff 0x0 lacks CAP_SYS_ADMIN (bit 21): /proc/self/pagemap shows pfn 0)"));
    }

    @Test
    void theModeDecidesForAutoOnly() throws IOException {
        assertThat(Placements.decide(needs(0, Where.AUTO), false, host(ROOT_CAPS, 0), Where.CONTAINER, ENGINE, IMAGE))
                .isInstanceOf(Placement.InContainer.class);
        assertThat(Placements.decide(needs(0, Where.AUTO), false, host(0, 0), Where.HOST, ENGINE, IMAGE))
                .isInstanceOf(Placement.Here.class);
        assertThat(Placements.decide(needs(0, Where.HOST), false, host(0, 0), Where.CONTAINER, ENGINE, IMAGE))
                .isInstanceOf(Placement.Here.class);
    }

    @Test
    void aNegativePageCountIsAnError() {
        assertThatThrownBy(() -> needs(-1, Where.AUTO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hugepages: -1 (expected: >= 0)");
    }

    @Test
    void aBadSizeIsAnError() {
        assertThatThrownBy(() -> Placements.Requirement.of("3M", 1, Where.AUTO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("hugepage size: 3M (expected: 2M or 1G)");
    }
}

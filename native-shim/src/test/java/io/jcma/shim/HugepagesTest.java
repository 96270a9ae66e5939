package io.jcma.shim;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pools read from sysfs, and nr_hugepages changes that restore what they found. */
class HugepagesTest {
    private static Path pool(Path root, String name, long nr, long free, long resv, long surplus) throws IOException {
        Path d = Files.createDirectories(root.resolve(name));
        Files.writeString(d.resolve("nr_hugepages"), nr + "\n");
        Files.writeString(d.resolve("free_hugepages"), free + "\n");
        Files.writeString(d.resolve("resv_hugepages"), resv + "\n");
        Files.writeString(d.resolve("surplus_hugepages"), surplus + "\n");
        return d;
    }

    @Test
    void readsSizesAndPoolsFromSysfs(@TempDir Path root) throws IOException {
        pool(root, "hugepages-1048576kB", 1, 1, 0, 0);
        pool(root, "hugepages-2048kB", 64, 60, 4, 0);
        Hugepages h = Hugepages.at(root);
        assertThat(h.sizes()).containsExactly(HugepageSize.SIZE_2M, HugepageSize.SIZE_1G);
        HugepagePool p = h.pool(HugepageSize.SIZE_2M);
        assertThat(p).isEqualTo(new HugepagePool(HugepageSize.SIZE_2M, 64, 60, 4, 0));
        assertThat(p.available()).isEqualTo(56);
    }

    @Test
    void missingPoolIsEnoent(@TempDir Path root) {
        assertThat(Hugepages.at(root).sizes()).isEmpty();
        assertThatThrownBy(() -> Hugepages.at(root).pool(HugepageSize.SIZE_2M))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
    }

    @Test
    void theSkipReasonsNameWhatIsMissing(@TempDir Path root) throws IOException {
        assertThat(Host.hugepagesMissing(Hugepages.at(root), HugepageSize.SIZE_2M, 4))
                .hasValueSatisfying(s -> assertThat(s).contains("no hugepages-2048kB pool"));
        pool(root, "hugepages-2048kB", 0, 0, 0, 0);
        assertThat(Host.hugepagesMissing(Hugepages.at(root), HugepageSize.SIZE_2M, 4))
                .hasValue("needs 4 free hugepages-2048kB pages, 0 available (as root: echo 64 > /proc/sys/vm/nr_hugepages)");
        pool(root, "hugepages-2048kB", 8, 8, 0, 0);
        assertThat(Host.hugepagesMissing(Hugepages.at(root), HugepageSize.SIZE_2M, 4)).isEmpty();
    }

    @Test
    void reserveWritesOnlyWhatIsMissingAndRestores(@TempDir Path root) throws IOException {
        Path d = pool(root, "hugepages-2048kB", 2, 2, 0, 0);
        Hugepages h = Hugepages.at(root);
        try (Hugepages.Reservation r = h.reserve(HugepageSize.SIZE_2M, 2)) {
            assertThat(r.changed()).isFalse();
        }
        // A plain file does not allocate: fake the kernel by making free follow nr.
        Hugepages.Reservation r = h.reserve(HugepageSize.SIZE_2M, 1);
        r.close();
        Files.writeString(d.resolve("free_hugepages"), "2");
        assertThatThrownBy(() -> h.reserve(HugepageSize.SIZE_2M, 5))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOMEM));
        assertThat(Files.readString(d.resolve("nr_hugepages")).strip()).as("restored after the failure").isEqualTo("2");
    }

    @Test
    void reservationClosedTwiceIsAnError(@TempDir Path root) throws IOException {
        pool(root, "hugepages-2048kB", 2, 2, 0, 0);
        Hugepages.Reservation r = Hugepages.at(root).reserve(HugepageSize.SIZE_2M, 1);
        r.close();
        assertThatThrownBy(r::close).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void negativeNrHugepages(@TempDir Path root) throws IOException {
        pool(root, "hugepages-2048kB", 2, 2, 0, 0);
        assertThatThrownBy(() -> Hugepages.at(root).setNrHugepages(HugepageSize.SIZE_2M, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("nr_hugepages: -1 (expected: >= 0)");
    }

    @Test
    void reservesRealPagesAsRootAndRestoresTheSetting() {
        Host.assumeRoot();
        Hugepages h = Hugepages.system();
        HugepagePool before = h.pool(HugepageSize.SIZE_2M);
        long want = before.available() + 2;
        try (Hugepages.Reservation r = h.reserve(HugepageSize.SIZE_2M, want)) {
            assertThat(r.changed()).isTrue();
            assertThat(r.before()).isEqualTo(before.total());
            assertThat(h.pool(HugepageSize.SIZE_2M).available()).isGreaterThanOrEqualTo(want);
            try (HugepageRegion region = HugepageRegion.map(HugepageSize.SIZE_2M, (int) want)) {
                assertThat(region.pages()).isEqualTo((int) want);
            }
        }
        assertThat(h.pool(HugepageSize.SIZE_2M).total()).isEqualTo(before.total());
    }

    @Test
    void hostPoolsAreListed() {
        Hugepages h = Hugepages.system();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(h.root()), "no /sys/kernel/mm/hugepages");
        assertThat(h.sizes()).isNotEmpty();
        for (HugepagePool p : h.pools()) {
            assertThat(p.free()).isBetween(0L, p.total() + p.surplus());
        }
    }
}

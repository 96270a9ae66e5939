package io.jcma.shim;

import io.jcma.cma.mm.Mm;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A 1 GiB page: reserved as root for the test when none is free (and the setting restored),
 * then mapped, translated base page by base page, and checked with kpageflags.
 */
class GiganticPageTest {
    private static final HugepageSize SIZE = HugepageSize.SIZE_1G;

    @Test
    void oneGigabytePageIsOneContiguousCompoundPage() {
        Hugepages h = Hugepages.system();
        assumeTrue(h.supports(SIZE), "host without 1G hugepages (no hugepages-1048576kB pool)");
        Host.assumePhysicalAddresses();
        boolean free = h.pool(SIZE).available() >= 1;
        if (!free) {
            Host.assumeRoot();
        }
        long before = h.pool(SIZE).total();
        Hugepages.Reservation res;
        try {
            res = h.reserve(SIZE, 1);
        } catch (io.jcma.cma.kernel.ErrnoException e) {
            assumeTrue(false, "the kernel could not find 1 GiB of contiguous memory: " + e.getMessage());
            return;
        }
        try (res; HugepageRegion r = HugepageRegion.map(SIZE, 1); Pagemap pm = Pagemap.openSelf();
             KpageFlags kf = KpageFlags.open()) {
            assertThat(r.address() % SIZE.bytes()).isZero();
            long[] pfns = pm.translate(r.segment());
            assertThat(pfns).hasSize(262144);
            assertThat(Contiguity.checkWithin(pfns, SIZE)).isEmpty();
            assertThat(pfns[0] % SIZE.basePages()).isZero();
            assertThat(kf.checkHugepage(pfns[0], SIZE.basePages(), true)).isEmpty();
            List<PhysRun> runs = Contiguity.runs(Contiguity.heads(pfns, SIZE), SIZE);
            assertThat(runs).singleElement().satisfies(run -> assertThat(run.bytes()).isEqualTo(1L << 30));
            assertThat(pm.physicalAddress(r.segment(), SIZE.bytes() - 1))
                    .isEqualTo(Mm.pfnPhys(pfns[0]) + SIZE.bytes() - 1);
        }
        assertThat(h.pool(SIZE).total()).as("nr_hugepages restored").isEqualTo(before);
    }
}

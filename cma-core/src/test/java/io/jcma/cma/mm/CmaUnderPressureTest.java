package io.jcma.cma.mm;

import io.jcma.cma.mm.internal.BuddyAllocator;
import io.jcma.cma.mm.internal.BuddyInvariants;
import io.jcma.cma.Cma;
import io.jcma.cma.CmaAllocation;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scenario: a 1 GiB machine with cma=256M under 75% memory pressure lends CMA
 * pages to movable memory, and half the area is then allocated by migrating them away.
 */
class CmaUnderPressureTest {

    private static long meminfoKb(Machine m, String field) {
        Matcher mt = Pattern.compile("(?m)^" + field + ":\\s+(\\d+) kB$").matcher(m.fs().read("/proc/meminfo"));
        assertThat(mt.find()).as(field + " in /proc/meminfo").isTrue();
        return Long.parseLong(mt.group(1));
    }

    @Test
    void pressureLendsCmaAndHalfTheAreaComesBackByMigration() {
        try (Machine m = Machine.boot(Platform.builder().mem(1L << 30).cmdline("cma=256M").build())) {
            BuddyAllocator buddy = (BuddyAllocator) m.pageAllocator();
            MemoryPressure p = MemoryPressure.fill(m.migratingPageAllocator().orElseThrow(), 75, 0, 42);
            long cmaTotal = meminfoKb(m, "CmaTotal");
            long cmaFree = meminfoKb(m, "CmaFree");
            assertThat(cmaTotal).isEqualTo(256 * 1024);
            assertThat(cmaTotal - cmaFree).as("kB of CMA lent to movable memory").isGreaterThan(64 * 1024);

            Cma area = m.cma().byName("reserved").orElseThrow();
            List<Long> before = new ArrayList<>();
            List<long[]> pfnsBefore = new ArrayList<>();
            for (MovableRegion r : p.regions()) {
                before.add(r.checksum());
                long[] pfns = new long[(int) r.pages()];
                for (int j = 0; j < pfns.length; j++) {
                    pfns[j] = r.pfn(j);
                }
                pfnsBefore.add(pfns);
            }
            m.fs().write("/sys/kernel/debug/cma/reserved/alloc", "32768");
            CmaAllocation a = area.allocations().getFirst();
            assertThat(a.count()).isEqualTo(32768);
            assertThat(area.metrics().pagesMigrated()).as("pages migrated").isPositive();
            assertThat(area.metrics().bytesCopied()).isEqualTo(area.metrics().pagesMigrated() * Mm.PAGE_SIZE);

            int migratedRegions = 0;
            for (int i = 0; i < p.regions().size(); i++) {
                MovableRegion r = p.regions().get(i);
                boolean moved = false;
                for (int j = 0; j < r.pages(); j++) {
                    long pfn = r.pfn(j);
                    assertThat(pfn < a.pfn() || pfn >= a.endPfn()).as("region %d page %d at pfn %d", i, j, pfn).isTrue();
                    moved |= pfn != pfnsBefore.get(i)[j];
                }
                if (moved) {
                    migratedRegions++;
                    assertThat(r.checksum()).as("checksum of migrated region %d", i).isEqualTo(before.get(i));
                }
            }
            assertThat(migratedRegions).isPositive();
            assertThat(p.verify()).isEmpty();
            assertThat(BuddyInvariants.check(buddy)).isNull();
            p.close();
            assertThat(BuddyInvariants.check(buddy)).isNull();
        }
    }
}

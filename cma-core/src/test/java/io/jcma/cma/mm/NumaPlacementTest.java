package io.jcma.cma.mm;

import io.jcma.cma.Cma;
import io.jcma.cma.CmaAllocation;
import io.jcma.cma.boot.MemRange;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Placement on a two-node machine: each node's zonelist starts with its own zones. */
class NumaPlacementTest {
    private static final long MiB = 1L << 20;

    @Test
    void pagesMigratedOutOfANodesAreaStayOnThatNode() {
        Platform p = Platform.builder().memory(new MemRange(0, 512 * MiB, 0))
                .memory(new MemRange(512 * MiB, 1024 * MiB, 1)).cmdline("numa_cma=1:64M").build();
        try (Machine m = Machine.boot(p)) {
            Cma area = m.cma().byName("numa1").orElseThrow();
            MigratingPageAllocator pa = m.migratingPageAllocator().orElseThrow();
            List<MovableRegion> regions = new ArrayList<>();
            while (true) {
                var r = pa.allocMovable(64);
                if (r.isEmpty()) {
                    break;
                }
                regions.add(r.get());
            }
            assertThat(pa.freeCmaPages()).isZero();
            // room on both nodes, outside the area: a wrong zonelist would move pages to node 0
            long room0 = 0;
            long room1 = 0;
            for (var it = regions.iterator(); it.hasNext(); ) {
                MovableRegion r = it.next();
                int nid = m.memory().bankOf(r.pfn(0)).nid();
                boolean inArea = false;
                for (long i = 0; i < r.pages(); i++) {
                    inArea |= area.pagesValid(r.pfn(i), 1);
                }
                if (!inArea && (nid == 0 ? room0 : room1) < 4096) {
                    if (nid == 0) {
                        room0 += r.pages();
                    } else {
                        room1 += r.pages();
                    }
                    r.free();
                    it.remove();
                }
            }
            assertThat(room0).isGreaterThanOrEqualTo(4096);
            assertThat(room1).isGreaterThanOrEqualTo(4096);
            Map<MovableRegion, long[]> before = new HashMap<>();
            for (MovableRegion r : regions) {
                long[] pfns = new long[(int) r.pages()];
                for (int i = 0; i < pfns.length; i++) {
                    pfns[i] = r.pfn(i);
                }
                before.put(r, pfns);
            }
            CmaAllocation a = area.alloc(2048, 0, false).orElseThrow();
            assertThat(a.cost().pagesMigrated()).isEqualTo(2048);
            long moved = 0;
            for (MovableRegion r : regions) {
                long[] old = before.get(r);
                for (int i = 0; i < old.length; i++) {
                    if (r.pfn(i) != old[i]) {
                        moved++;
                        assertThat(m.memory().bankOf(r.pfn(i)).nid()).as("page moved from pfn %d", old[i]).isEqualTo(1);
                    }
                }
            }
            assertThat(moved).isEqualTo(2048);
            area.release(a);
            regions.forEach(MovableRegion::free);
        }
    }
}

package io.jcma.cma.mm;

import io.jcma.cma.mm.internal.BuddyInvariants;
import io.jcma.cma.Cma;
import io.jcma.cma.CmaAllocation;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** cma_alloc() against pinned pages: EBUSY from alloc_contig_range(), retries, the failure log. */
class PinnedPageRetryTest {

    /** 40 of 64 MiB are CMA, so movable pages come from the area from the start. */
    private static Machine boot() {
        return Machine.boot(Platform.builder().mem(64L << 20).cmdline("cma=40M").build());
    }

    /** Allocates single movable pages until one lands in each wanted pageblock of the area; frees the rest. */
    private static List<MovableRegion> pinOnePagePerBlock(Machine m, Cma area, int blocks) {
        List<MovableRegion> keep = new ArrayList<>();
        List<MovableRegion> drop = new ArrayList<>();
        boolean[] have = new boolean[blocks];
        int missing = blocks;
        while (missing > 0) {
            MovableRegion r = m.migratingPageAllocator().orElseThrow().allocMovable(1).orElseThrow();
            long blk = (r.pfn(0) - area.basePfn()) >> Mm.PAGEBLOCK_ORDER;
            if (blk >= 0 && blk < blocks && !have[(int) blk]) {
                have[(int) blk] = true;
                missing--;
                r.putLong(0, 0xc0ffee00L + blk);
                r.pin();
                keep.add(r);
            } else {
                drop.add(r);
            }
        }
        drop.forEach(MovableRegion::free);
        return keep;
    }

    @Test
    void aPinnedPageInTheFirstRangeIsRetriedPast() {
        try (Machine m = boot()) {
            Cma area = m.cma().byName("reserved").orElseThrow();
            List<MovableRegion> pinned = pinOnePagePerBlock(m, area, 1);
            long pinnedPfn = pinned.getFirst().pfn(0);

            Optional<CmaAllocation> a = area.alloc(512, 9, false);

            assertThat(a).isPresent();
            assertThat(a.get().pfn()).as("the second pageblock").isEqualTo(area.basePfn() + 512);
            assertThat(area.metrics().busyRetries()).isEqualTo(1);
            assertThat(a.get().cost().retries()).isEqualTo(1);
            assertThat(pinned.getFirst().pfn(0)).as("a pinned page does not move").isEqualTo(pinnedPfn);
            assertThat(pinned.getFirst().getLong(0)).isEqualTo(0xc0ffee00L);
            assertThat(m.pageblocks().get(area.basePfn())).as("isolation undone").isEqualTo(Migratetype.CMA);
            assertThat(m.errors()).isEmpty();
            assertThat(BuddyInvariants.check(m.pageAllocator())).isNull();

            pinned.getFirst().unpin();
            area.release(a.get());
            Optional<CmaAllocation> b = area.alloc(512, 9, false);
            assertThat(b).isPresent();
            assertThat(b.get().pfn()).as("unpinned, the first range migrates").isEqualTo(area.basePfn());
            assertThat(pinned.getFirst().pfn(0)).isNotEqualTo(pinnedPfn);
            assertThat(pinned.getFirst().getLong(0)).isEqualTo(0xc0ffee00L);
        }
    }

    @Test
    void theJfrEventsCarryTheRetryAndTheMigrationCost(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        try (Machine m = boot(); jdk.jfr.Recording rec = new jdk.jfr.Recording()) {
            rec.enable("jcma.CmaAllocBusyRetry");
            rec.enable("jcma.CmaAllocFinish");
            Cma area = m.cma().byName("reserved").orElseThrow();
            List<MovableRegion> pinned = pinOnePagePerBlock(m, area, 1);
            MovableRegion lent = null;
            while (lent == null) {
                MovableRegion r = m.migratingPageAllocator().orElseThrow().allocMovable(1).orElseThrow();
                long blk = (r.pfn(0) - area.basePfn()) >> Mm.PAGEBLOCK_ORDER;
                if (blk == 1) {
                    lent = r;
                }
            }
            rec.start();
            Optional<CmaAllocation> a = area.alloc(512, 9, false, "jfr-test");
            rec.stop();
            assertThat(a).isPresent();
            java.nio.file.Path file = dir.resolve("cma.jfr");
            rec.dump(file);
            List<jdk.jfr.consumer.RecordedEvent> events = jdk.jfr.consumer.RecordingFile.readAllEvents(file);
            assertThat(events.stream().filter(e -> e.getEventType().getName().equals("jcma.CmaAllocBusyRetry")))
                    .singleElement().satisfies(e -> assertThat(e.getLong("pfn")).isEqualTo(area.basePfn()));
            jdk.jfr.consumer.RecordedEvent finish = events.stream()
                    .filter(e -> e.getEventType().getName().equals("jcma.CmaAllocFinish")).findFirst().orElseThrow();
            assertThat(finish.getLong("retries")).isEqualTo(1);
            assertThat(finish.getLong("pagesMigrated")).isEqualTo(a.get().cost().pagesMigrated()).isPositive();
            assertThat(finish.getLong("bytesCopied")).isEqualTo(finish.getLong("pagesMigrated") * Mm.PAGE_SIZE);
            assertThat(lent.pfn(0) >> Mm.PAGEBLOCK_ORDER).as("the lent page moved out of the second pageblock")
                    .isNotEqualTo((area.basePfn() >> Mm.PAGEBLOCK_ORDER) + 1);
            assertThat(pinned).hasSize(1);
        }
    }

    @Test
    void pinnedPagesEverywhereFailWithTheKernelsLogLineAndEbusy() {
        try (Machine m = boot()) {
            Cma area = m.cma().byName("reserved").orElseThrow();
            int blocks = (int) (area.count() >> Mm.PAGEBLOCK_ORDER);
            List<MovableRegion> pinned = pinOnePagePerBlock(m, area, blocks);
            long free = m.pageAllocator().freePages();
            String pagetypeinfo = m.fs().read("/proc/pagetypeinfo");

            Optional<CmaAllocation> a = area.alloc(512, 9, false);

            assertThat(a).isEmpty();
            assertThat(m.fs().read("/proc/pagetypeinfo")).as("isolation undone, free blocks remerged")
                    .isEqualTo(pagetypeinfo);
            assertThat(area.metrics().busyRetries()).isEqualTo(blocks);
            assertThat(m.errors()).contains("cma: __cma_alloc: reserved: alloc failed, req-size: 512 pages, ret: -16");
            assertThat(m.pageAllocator().freePages()).as("everything given back").isEqualTo(free);
            for (long pfn = area.basePfn(); pfn < area.basePfn() + area.count(); pfn += Mm.PAGEBLOCK_NR_PAGES) {
                assertThat(m.pageblocks().get(pfn)).isEqualTo(Migratetype.CMA);
            }
            for (MovableRegion r : pinned) {
                assertThat(r.pinned()).isTrue();
            }
            assertThat(BuddyInvariants.check(m.pageAllocator())).isNull();
        }
    }

    @Test
    void aLongtermPinLeavesCmaFreeForCmaAlloc() {
        try (Machine m = boot()) {
            Cma area = m.cma().byName("reserved").orElseThrow();
            int blocks = (int) (area.count() >> Mm.PAGEBLOCK_ORDER);
            List<MovableRegion> held = pinOnePagePerBlock(m, area, blocks);
            for (MovableRegion r : held) {
                r.unpin();
                r.pinLongterm();
                long pfn = r.pfn(0);
                assertThat(pfn < area.basePfn() || pfn >= area.basePfn() + area.count()).as("pfn %d", pfn).isTrue();
            }
            assertThat(area.alloc(area.count(), 0, false)).as("the whole area").isPresent();
            assertThat(area.metrics().busyRetries()).isZero();
        }
    }
}

package io.jcma.cma.mm;

import io.jcma.cma.mm.internal.BuddyAllocator;
import io.jcma.cma.mm.internal.BuddyInvariants;
import io.jcma.cma.Cma;
import io.jcma.cma.CmaAllocation;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BuddyAllocatorTest {
    private static final long MIB = 1L << 20;

    static Machine boot(long mem, String cmdline) {
        return Machine.boot(Platform.builder().mem(mem).cmdline(cmdline).build());
    }

    @Test
    void isTheMachineDefault() {
        try (Machine m = boot(64 * MIB, "")) {
            assertThat(m.pageAllocator()).isInstanceOf(BuddyAllocator.class);
        }
    }

    @Test
    void memblockFreeAllGivesMaxOrderBlocks() {
        try (Machine m = boot(64 * MIB, "")) {
            List<ZoneFreeArea> areas = m.pageAllocator().freeAreas();
            assertThat(areas).hasSize(2);
            assertThat(areas.get(0).zone().type()).isEqualTo(ZoneType.DMA);
            assertThat(areas.get(0).nrFree(Mm.MAX_PAGE_ORDER)).isEqualTo(4);
            assertThat(areas.get(1).nrFree(Mm.MAX_PAGE_ORDER)).isEqualTo(12);
            for (int o = 0; o < Mm.MAX_PAGE_ORDER; o++) {
                assertThat(areas.get(0).nrFree(o) + areas.get(1).nrFree(o)).isZero();
            }
            assertThat(m.pageAllocator().freePages()).isEqualTo(16384);
            assertThat(m.pageAllocator().managedPages()).isEqualTo(16384);
            assertThat(BuddyInvariants.check(m.pageAllocator())).isNull();
        }
    }

    @Test
    void aSixtyFourGibMachineFitsInPrimitiveArrays() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        try (Machine m = boot(64L << 30, "cma=1G")) {
            System.gc();
            long used = (rt.totalMemory() - rt.freeMemory()) - before;
            // 16 Mi pages at 9 bytes each (flags, next, prev) plus the pageblock bytes: 144 MiB.
            assertThat(used).as("heap held by a booted 64 GiB machine").isLessThan(200L << 20);
            assertThat(m.pageAllocator().managedPages()).isEqualTo(16L << 20);
            long maxOrder = m.pageAllocator().freeAreas().stream().mapToLong(a -> a.nrFree(Mm.MAX_PAGE_ORDER)).sum();
            assertThat(maxOrder).isEqualTo((16L << 20) >> Mm.MAX_PAGE_ORDER);
            assertThat(m.cma().byName("reserved").orElseThrow().alloc(1L << 18, 0, false)).isPresent();
        }
    }

    @Test
    void cmaPageblocksGoToTheCmaLists() {
        try (Machine m = boot(64 * MIB, "cma=16M")) {
            Cma area = m.cma().byName("reserved").orElseThrow();
            assertThat(m.pageAllocator().freeCmaPages()).isEqualTo(4096);
            long cmaBlocks = m.pageAllocator().freeAreas().stream()
                    .mapToLong(a -> a.freeBlocks(Migratetype.CMA, Mm.MAX_PAGE_ORDER)).sum();
            assertThat(cmaBlocks).isEqualTo(4);
            for (long pfn = area.basePfn(); pfn < area.basePfn() + area.count(); pfn += Mm.PAGEBLOCK_NR_PAGES) {
                assertThat(m.pageblocks().get(pfn)).isEqualTo(Migratetype.CMA);
            }
            assertThat(BuddyInvariants.check(m.pageAllocator())).isNull();
        }
    }

    @Test
    void everyOrderSplitsAndMergesBack() {
        try (Machine m = boot(64 * MIB, "")) {
            MigratingPageAllocator pa = m.migratingPageAllocator().orElseThrow();
            String before = io.jcma.cma.fs.MmFs.buddyinfo(pa.freeAreas());
            for (int order = 0; order <= Mm.MAX_PAGE_ORDER; order++) {
                long pfn = pa.allocPages(order, Gfp.MOVABLE);
                assertThat(pfn).isNotNegative();
                assertThat(pfn % (1L << order)).as("alignment of order %d", order).isZero();
                assertThat(pa.freePages()).isEqualTo(16384 - (1L << order));
                assertThat(BuddyInvariants.check(m.pageAllocator())).isNull();
                pa.freePages(pfn, order);
                assertThat(io.jcma.cma.fs.MmFs.buddyinfo(pa.freeAreas())).isEqualTo(before);
            }
        }
    }

    @Test
    void badOrderIsIllegalArgument() {
        try (Machine m = boot(64 * MIB, "")) {
            assertThatThrownBy(() -> m.pageAllocator().allocPages(11, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("order: 11");
            assertThatThrownBy(() -> m.pageAllocator().allocPages(-1, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> m.pageAllocator().freePages(0, 12)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void doubleFreeIsIllegalState() {
        try (Machine m = boot(64 * MIB, "")) {
            long pfn = m.pageAllocator().allocPages(2, 0);
            m.pageAllocator().freePages(pfn, 2);
            assertThatThrownBy(() -> m.pageAllocator().freePages(pfn, 2)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("pfn=" + pfn);
            long q = m.pageAllocator().allocPages(1, 0);
            assertThatThrownBy(() -> m.pageAllocator().freePages(q, 0)).as("wrong order")
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> m.pageAllocator().freePages(q + 1, 0)).as("a tail page")
                    .isInstanceOf(IllegalStateException.class);
            assertThat(BuddyInvariants.check(m.pageAllocator())).isNull();
        }
    }

    @Test
    void zoneModifiersChooseTheZone() {
        try (Machine m = boot(64 * MIB, "")) {
            for (int i = 0; i < 20; i++) {
                assertThat(m.pageAllocator().allocPages(3, Gfp.DMA)).isBetween(0L, 4095L);
            }
            assertThat(m.pageAllocator().allocPages(0, 0)).as("GFP_KERNEL prefers DMA32 here")
                    .isGreaterThanOrEqualTo(4096L);
        }
    }

    @Test
    void dmaZoneExhaustedGivesNoPage() {
        try (Machine m = boot(64 * MIB, "")) {
            for (int i = 0; i < 4; i++) {
                assertThat(m.pageAllocator().allocPages(10, Gfp.DMA)).isNotNegative();
            }
            assertThat(m.pageAllocator().allocPages(0, Gfp.DMA | Gfp.NOWARN)).isEqualTo(-1);
            assertThat(m.pageAllocator().allocPages(0, 0)).isNotNegative();
        }
    }

    @Test
    void zeroFlagZeroesThePages() {
        try (Machine m = boot(64 * MIB, "")) {
            long pfn = m.pageAllocator().allocPages(1, 0);
            m.memory().segment(pfn, 2).fill((byte) 0x5a);
            m.pageAllocator().freePages(pfn, 1);
            long again = m.pageAllocator().allocPages(1, Gfp.ZERO);
            assertThat(again).isEqualTo(pfn);
            byte[] bytes = m.memory().segment(again, 2).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            assertThat(bytes).containsOnly((byte) 0);
        }
    }

    @Test
    void unmovableStealsAWholePageblockFromMovable() {
        try (Machine m = boot(64 * MIB, "")) {
            long pfn = m.pageAllocator().allocPages(0, Gfp.KERNEL);
            // An order-10 movable block was claimed whole: both of its pageblocks change owner.
            assertThat(m.pageblocks().get(pfn)).isEqualTo(Migratetype.UNMOVABLE);
            assertThat(m.pageblocks().get(pfn ^ Mm.PAGEBLOCK_NR_PAGES)).isEqualTo(Migratetype.UNMOVABLE);
            long next = m.pageAllocator().allocPages(0, Gfp.KERNEL);
            assertThat(next >> Mm.MAX_PAGE_ORDER).as("the next unmovable page comes from the same block")
                    .isEqualTo(pfn >> Mm.MAX_PAGE_ORDER);
            assertThat(BuddyInvariants.check(m.pageAllocator())).isNull();
        }
    }

    @Test
    void unmovableClaimsAMostlyFreeMovablePageblockBelowPageblockOrder() {
        try (Machine m = boot(64 * MIB, "")) {
            MigratingPageAllocator pa = m.migratingPageAllocator().orElseThrow();
            long p0 = pa.allocPages(0, Gfp.DMA | Gfp.MOVABLE);
            for (int i = 0; i < 3; i++) {
                assertThat(pa.allocPages(10, Gfp.DMA | Gfp.MOVABLE)).isNotNegative();
            }
            assertThat(pa.allocPages(9, Gfp.DMA | Gfp.MOVABLE)).isEqualTo(p0 ^ Mm.PAGEBLOCK_NR_PAGES);
            // Only orders 0..8 of p0's pageblock are left: 511 free pages, so the block is claimed whole.
            long u = pa.allocPages(0, Gfp.DMA | Gfp.KERNEL);
            assertThat(u >> Mm.PAGEBLOCK_ORDER).isEqualTo(p0 >> Mm.PAGEBLOCK_ORDER);
            assertThat(m.pageblocks().get(p0)).isEqualTo(Migratetype.UNMOVABLE);
            assertThat(m.pageAllocator().freeAreas().getFirst().freeBlocks(Migratetype.MOVABLE, 0)).isZero();
            assertThat(BuddyInvariants.check(m.pageAllocator())).isNull();
        }
    }

    @Test
    void movableTakesBackAFreeUnmovablePageblockWhole() {
        try (Machine m = boot(64 * MIB, "")) {
            MigratingPageAllocator pa = m.migratingPageAllocator().orElseThrow();
            long u = pa.allocPages(0, Gfp.DMA | Gfp.KERNEL);
            long sibling = (u ^ Mm.PAGEBLOCK_NR_PAGES) & -Mm.PAGEBLOCK_NR_PAGES;
            assertThat(m.pageblocks().get(sibling)).isEqualTo(Migratetype.UNMOVABLE);
            for (int i = 0; i < 3; i++) {
                assertThat(pa.allocPages(10, Gfp.DMA | Gfp.MOVABLE)).isNotNegative();
            }
            long mv = pa.allocPages(0, Gfp.DMA | Gfp.MOVABLE);
            assertThat(mv >> Mm.PAGEBLOCK_ORDER).as("the largest fallback block: the free sibling pageblock")
                    .isEqualTo(sibling >> Mm.PAGEBLOCK_ORDER);
            assertThat(m.pageblocks().get(sibling)).isEqualTo(Migratetype.MOVABLE);
            assertThat(m.pageblocks().get(u)).isEqualTo(Migratetype.UNMOVABLE);
            assertThat(BuddyInvariants.check(m.pageAllocator())).isNull();
        }
    }

    @Test
    void unmovableNeverTakesCma() {
        try (Machine m = boot(64 * MIB, "cma=32M")) {
            Cma area = m.cma().byName("reserved").orElseThrow();
            long got = 0;
            while (true) {
                long pfn = m.pageAllocator().allocPages(0, Gfp.KERNEL | Gfp.NOWARN);
                if (pfn < 0) {
                    break;
                }
                assertThat(pfn < area.basePfn() || pfn >= area.basePfn() + area.count()).as("pfn %d", pfn).isTrue();
                got++;
            }
            assertThat(got).isEqualTo(16384 - 8192);
            assertThat(m.pageAllocator().freeCmaPages()).isEqualTo(8192);
            assertThat(m.pageAllocator().allocPages(0, Gfp.MOVABLE)).as("movable still gets CMA")
                    .isBetween(area.basePfn(), area.basePfn() + area.count() - 1);
        }
    }

    /** NR_FREE_PAGES and NR_FREE_CMA_PAGES of the zone holding {@code pfn}, from its free lists. */
    private static long[] zoneCounters(PageAllocator pa, long pfn) {
        for (ZoneFreeArea z : pa.freeAreas()) {
            if (z.zone().contains(pfn)) {
                long cma = 0;
                for (int o = 0; o <= Mm.MAX_PAGE_ORDER; o++) {
                    cma += z.freeBlocks(Migratetype.CMA, o) << o;
                }
                return new long[] {z.freePages(), cma};
            }
        }
        throw new AssertionError("no zone holds pfn " + pfn);
    }

    @Test
    void movableUsesCmaFirstOnlyWhenMoreThanHalfTheZonesFreeMemoryIsCma() {
        try (Machine m = boot(64 * MIB, "cma=16M")) {
            MigratingPageAllocator pa = m.migratingPageAllocator().orElseThrow();
            Cma area = m.cma().byName("reserved").orElseThrow();
            int inCma = 0;
            int decided = 0;
            for (int i = 0; i < 6000; i++) {
                long[] c = zoneCounters(pa, area.basePfn());
                long pfn = pa.allocPages(0, Gfp.MOVABLE);
                boolean cmaPage = pfn >= area.basePfn() && pfn < area.basePfn() + area.count();
                boolean rule = c[1] > c[0] / 2;
                if (m.zoneOf(pfn).type() == ZoneType.DMA32) {
                    // Outside the rule, movable pages come from the Movable lists while they last.
                    assertThat(cmaPage).as("zone free=%d cma=%d", c[0], c[1]).isEqualTo(rule);
                    decided++;
                }
                inCma += cmaPage ? 1 : 0;
            }
            assertThat(decided).isEqualTo(6000);
            // 12288 free in DMA32, 4096 of them CMA: 4097 pages come from Movable, then they alternate.
            assertThat(inCma).as("the rule lends CMA once it holds half the zone's free memory").isBetween(900, 1000);
        }
    }

    @Test
    void allocContigRangeRejectsBadRanges() {
        try (Machine m = boot(64 * MIB, "")) {
            MigratingPageAllocator pa = m.migratingPageAllocator().orElseThrow();
            assertThat(pa.allocContigRange(100, 100, Migratetype.MOVABLE, false))
                    .isEqualTo(ContigRangeResult.failed(Errno.EINVAL));
            assertThat(pa.allocContigRange(16000, 17000, Migratetype.MOVABLE, false))
                    .isEqualTo(ContigRangeResult.failed(Errno.EINVAL));
            assertThat(pa.allocContigRange(4000, 5000, Migratetype.MOVABLE, false))
                    .as("crosses the DMA/DMA32 boundary").isEqualTo(ContigRangeResult.failed(Errno.EINVAL));
            assertThat(BuddyInvariants.check(m.pageAllocator())).isNull();
        }
    }

    @Test
    void allocContigRangeOfMovableMemoryFailsOnAnUnmovablePage() {
        try (Machine m = boot(64 * MIB, "")) {
            MigratingPageAllocator pa = m.migratingPageAllocator().orElseThrow();
            long pfn = pa.allocPages(0, Gfp.KERNEL);
            long start = Mm.alignDown(pfn, Mm.PAGEBLOCK_NR_PAGES);
            ContigRangeResult r = pa.allocContigRange(start, start + Mm.PAGEBLOCK_NR_PAGES, Migratetype.MOVABLE, false);
            assertThat(r).isInstanceOfSatisfying(ContigRangeResult.Failed.class,
                    f -> assertThat(f.error()).isEqualTo(Errno.EBUSY));
            assertThat(r.ret()).isEqualTo(-16);
            assertThat(m.pageblocks().get(start)).as("isolation undone").isEqualTo(Migratetype.UNMOVABLE);
            assertThat(BuddyInvariants.check(m.pageAllocator())).isNull();
        }
    }

    @Test
    void allocContigRangeMigratesMovablePagesAndFreeContigRangeGivesThemBack() {
        try (Machine m = boot(64 * MIB, "")) {
            MigratingPageAllocator pa = m.migratingPageAllocator().orElseThrow();
            MovableRegion r = pa.allocMovable(8).orElseThrow();
            for (int i = 0; i < 8; i++) {
                r.putLong(Mm.pfnPhys(i) + 8, 0x1234_5678_0000L + i);
            }
            long sum = r.checksum();
            long start = Mm.alignDown(r.pfn(0), Mm.PAGEBLOCK_NR_PAGES);
            long free = pa.freePages();
            ContigRangeResult res = pa.allocContigRange(start, start + 1024, Migratetype.MOVABLE, false);
            assertThat(res).isInstanceOf(ContigRangeResult.Taken.class);
            assertThat(res.pagesMigrated()).isEqualTo(8);
            assertThat(res.bytesCopied()).isEqualTo(8 * Mm.PAGE_SIZE);
            assertThat(r.checksum()).isEqualTo(sum);
            for (int i = 0; i < 8; i++) {
                assertThat(r.pfn(i) < start || r.pfn(i) >= start + 1024).as("page %d moved out", i).isTrue();
                assertThat(r.getLong(Mm.pfnPhys(i) + 8)).isEqualTo(0x1234_5678_0000L + i);
            }
            assertThat(pa.freePages()).isEqualTo(free - 1024);
            assertThat(pa.pageStates(start, 1024)).containsOnly(PageState.CONTIG);
            assertThat(BuddyInvariants.check(m.pageAllocator())).isNull();
            pa.freeContigRange(start, 1024);
            assertThatThrownBy(() -> pa.freeContigRange(start, 1)).isInstanceOf(IllegalStateException.class);
            assertThat(pa.freePages()).isEqualTo(free);
            assertThat(BuddyInvariants.check(m.pageAllocator())).isNull();
        }
    }

    @Test
    void unalignedContigRangeFreesTheOvershootBack() {
        try (Machine m = boot(64 * MIB, "cma=16M")) {
            Cma area = m.cma().byName("reserved").orElseThrow();
            MigratingPageAllocator pa = m.migratingPageAllocator().orElseThrow();
            long free = pa.freePages();
            Optional<CmaAllocation> a = area.alloc(3, 0, false);
            assertThat(a).isPresent();
            assertThat(pa.freePages()).isEqualTo(free - 3);
            assertThat(pa.pageStates(a.get().pfn(), 4)).containsExactly(PageState.CONTIG, PageState.CONTIG,
                    PageState.CONTIG, PageState.FREE);
            assertThat(BuddyInvariants.check(m.pageAllocator())).isNull();
            area.release(a.get());
            assertThat(pa.freePages()).isEqualTo(free);
            assertThat(pa.freeAreas().stream().mapToLong(z -> z.freeBlocks(Migratetype.CMA, 10)).sum())
                    .as("remerged into max-order blocks").isEqualTo(4);
            assertThat(BuddyInvariants.check(m.pageAllocator())).isNull();
        }
    }

    @Test
    void movableRegionBoundsAndLifecycle() {
        try (Machine m = boot(64 * MIB, "")) {
            MigratingPageAllocator pa = m.migratingPageAllocator().orElseThrow();
            assertThatThrownBy(() -> pa.allocMovable(0)).isInstanceOf(IllegalArgumentException.class);
            MovableRegion r = pa.allocMovable(2).orElseThrow();
            assertThat(r.getLong(0)).isZero();
            assertThatThrownBy(() -> r.pfn(2)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> r.read(2 * Mm.PAGE_SIZE - 4, new byte[8], 0, 8))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            byte[] across = new byte[100];
            for (int i = 0; i < across.length; i++) {
                across[i] = (byte) i;
            }
            r.write(Mm.PAGE_SIZE - 50, across, 0, 100);
            byte[] back = new byte[100];
            r.read(Mm.PAGE_SIZE - 50, back, 0, 100);
            assertThat(back).isEqualTo(across);
            assertThatThrownBy(r::unpin).isInstanceOf(IllegalStateException.class);
            r.pin();
            assertThat(pa.pageStates(r.pfn(0), 1)).containsExactly(PageState.PINNED);
            assertThatThrownBy(r::free).isInstanceOf(IllegalStateException.class).hasMessageContaining("pinned");
            r.unpin();
            r.free();
            assertThatThrownBy(r::free).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> r.pfn(0)).isInstanceOf(IllegalStateException.class);
            assertThat(pa.freePages()).isEqualTo(16384);
            assertThat(BuddyInvariants.check(m.pageAllocator())).isNull();
        }
    }

    @Test
    void allocMovableFailsCleanlyWhenMemoryRunsOut() {
        try (Machine m = boot(64 * MIB, "")) {
            MigratingPageAllocator pa = m.migratingPageAllocator().orElseThrow();
            assertThat(pa.allocMovable(16385)).isEmpty();
            assertThat(pa.freePages()).isEqualTo(16384);
            assertThat(BuddyInvariants.check(m.pageAllocator())).isNull();
        }
    }

    @Test
    void simpleAllocatorHasNoMovableRegions() {
        try (Machine m = boot(64 * MIB, "")) {
            PageAllocator simple = PageAllocator.simple(m.memory(), m.zones(), m.pageblocks());
            assertThat(simple).isNotInstanceOf(MigratingPageAllocator.class);
            assertThat(simple.freeAreas()).isEmpty();
        }
    }

    @Test
    void longtermPinOfAPageInCmaMovesItOutFirst() {
        try (Machine m = boot(64 * MIB, "cma=40M")) {
            Cma area = m.cma().byName("reserved").orElseThrow();
            MigratingPageAllocator pa = m.migratingPageAllocator().orElseThrow();
            MovableRegion r = pa.allocMovable(4).orElseThrow();
            for (int i = 0; i < 4; i++) {
                assertThat(r.pfn(i)).as("40 of 64 MiB are CMA: movable pages come from it")
                        .isBetween(area.basePfn(), area.basePfn() + area.count() - 1);
                r.putLong(Mm.pfnPhys(i), 0xfeedL * (i + 1));
            }
            long sum = r.checksum();
            r.pinLongterm();
            assertThat(r.pinned()).isTrue();
            for (int i = 0; i < 4; i++) {
                assertThat(m.pageblocks().get(r.pfn(i))).isNotIn(Migratetype.CMA, Migratetype.ISOLATE);
            }
            assertThat(r.checksum()).isEqualTo(sum);
            assertThat(BuddyInvariants.check(m.pageAllocator())).isNull();
        }
    }

    @Test
    void longtermPinOfAnAlreadyPinnedCmaPageIsEnomem() {
        try (Machine m = boot(64 * MIB, "cma=40M")) {
            MovableRegion r = m.migratingPageAllocator().orElseThrow().allocMovable(1).orElseThrow();
            r.pin();
            assertThatThrownBy(r::pinLongterm).isInstanceOf(ErrnoException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.ENOMEM));
            r.unpin();
            assertThat(r.pinned()).isFalse();
        }
    }

    @Test
    void pressureFillsTheGivenShareAndPinsTheGivenShare() {
        try (Machine m = boot(64 * MIB, "cma=16M")) {
            long free = m.pageAllocator().freePages();
            try (MemoryPressure p = MemoryPressure.fill(m.migratingPageAllocator().orElseThrow(), 50, 10, 7)) {
                assertThat(p.pages()).isBetween(free / 2, free / 2 + MemoryPressure.MAX_REGION_PAGES);
                assertThat(p.pinnedPages()).isBetween(p.pages() / 10, p.pages() / 10 + MemoryPressure.MAX_REGION_PAGES);
                assertThat(p.verify()).isEmpty();
                assertThat(m.pageAllocator().freeCmaPages()).as("CMA included").isLessThan(4096);
            }
            assertThat(m.pageAllocator().freePages()).isEqualTo(free);
            assertThatThrownBy(() -> MemoryPressure.fill(m.migratingPageAllocator().orElseThrow(), 101, 0, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("101");
            assertThatThrownBy(() -> MemoryPressure.fill(m.migratingPageAllocator().orElseThrow(), 50, -1, 1))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void pressureIsDeterministicForASeed() {
        List<Long> first = new ArrayList<>();
        List<Long> second = new ArrayList<>();
        for (List<Long> out : List.of(first, second)) {
            try (Machine m = boot(64 * MIB, "cma=16M"); MemoryPressure p = MemoryPressure.fill(m.migratingPageAllocator().orElseThrow(), 60, 5, 99)) {
                for (MovableRegion r : p.regions()) {
                    out.add(r.pfn(0));
                    out.add(r.checksum());
                }
            }
        }
        assertThat(first).isNotEmpty().isEqualTo(second);
    }
}

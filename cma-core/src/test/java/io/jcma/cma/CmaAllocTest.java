package io.jcma.cma;

import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.mm.Mm;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static io.jcma.cma.TestMachines.GiB;
import static io.jcma.cma.TestMachines.MiB;
import static io.jcma.cma.TestMachines.early;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** cma_alloc(), cma_release() and activation, rule by rule. */
class CmaAllocTest {

    @Test
    void allocatesFromTheBottomAndReleases() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 32 * MiB, 0, 0, 0, true, "reserved");
        try (var a = e.activate()) {
            CmaAllocation x = c.alloc(100, 0, false, "test").orElseThrow();
            assertThat(x.pfn()).isEqualTo(c.basePfn());
            assertThat(x.owner()).isEqualTo("test");
            assertThat(c.used()).isEqualTo(100);
            assertThat(c.availableCount()).isEqualTo(8192 - 100);
            assertThat(c.maxchunk()).isEqualTo(8192 - 100);
            assertThat(c.allocations()).containsExactly(x);
            CmaAllocation y = c.alloc(10, 0, false).orElseThrow();
            assertThat(y.pfn()).isEqualTo(c.basePfn() + 100);
            assertThat(c.release(x)).isTrue();
            assertThat(c.used()).isEqualTo(10);
            assertThat(c.maxchunk()).isEqualTo(8192 - 110);
            assertThat(c.metrics().allocPagesSuccess()).isEqualTo(110);
            assertThat(c.metrics().releasePagesSuccess()).isEqualTo(100);
            assertThat(e.areas().vmCmaAllocSuccess()).isEqualTo(2);
        }
    }

    @Test
    void alignmentUsesTheKernelsMaskAndOffsetForAnUnalignedBase() {
        var e = early(1 * GiB);
        // base_pfn 0x10200 is 2 MiB aligned but not 4 MiB aligned: align order 10 needs offset 512.
        e.memblock().reserve(0x10200000L, 32 * MiB);
        Cma c = e.areas().initReservedMem(0x10200000L, 32 * MiB, 0, "odd");
        try (var a = e.activate()) {
            assertThat(c.bitmapAlignedMask(10)).isEqualTo(1023);
            assertThat(c.bitmapAlignedOffset(10)).isEqualTo(512);
            assertThat(c.bitmapAlignedMask(0)).isZero();
            c.alloc(1, 0, false).orElseThrow();
            CmaAllocation x = c.alloc(1, 10, false).orElseThrow();
            assertThat(x.pfn() % 1024).isZero();
            assertThat(x.pfn()).isEqualTo(c.basePfn() + 512);
        }
    }

    @Test
    void bitmapHelpersFollowOrderPerBit() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 32 * MiB, 0, 0, 2, true, "opb2");
        assertThat(c.bitmapMaxno()).isEqualTo(8192 / 4);
        assertThat(c.bitmapPagesToBits(1)).isEqualTo(1);
        assertThat(c.bitmapPagesToBits(4)).isEqualTo(1);
        assertThat(c.bitmapPagesToBits(5)).isEqualTo(2);
        assertThat(c.bitmapAlignedMask(2)).isZero();
        assertThat(c.bitmapAlignedMask(5)).isEqualTo(7);
        assertThat(c.base()).isEqualTo(0x10000000L);
        assertThat(c.size()).isEqualTo(32 * MiB);
    }

    @Test
    void zeroCountIsEmptyAndNotCountedAsA69KernelTurnsItAway() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 32 * MiB, 0, 0, 0, true, "reserved");
        try (var a = e.activate()) {
            assertThat(c.alloc(0, 0, false)).isEmpty();
            assertThat(e.areas().vmCmaAllocFail()).isZero();
            assertThat(c.metrics().allocFail()).isZero();
            assertThat(e.log().errors()).isEmpty();
        }
    }

    @Test
    void moreThanTheAreaIsEmptyUncountedAndWithoutALogLine() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 32 * MiB, 0, 0, 0, true, "reserved");
        try (var a = e.activate()) {
            assertThat(c.alloc(8193, 0, false)).isEmpty();
            assertThat(c.metrics().allocPagesFail()).isZero();
            assertThat(e.areas().vmCmaAllocFail()).isZero();
            assertThat(e.log().errors()).isEmpty();
            // one page fewer than the area is a real search, and a counted failure once taken
            c.alloc(1, 0, false).orElseThrow();
            assertThat(c.alloc(8192, 0, true)).isEmpty();
            assertThat(c.metrics().allocPagesFail()).isEqualTo(8192);
            assertThat(e.areas().vmCmaAllocFail()).isEqualTo(1);
        }
    }

    @Test
    void anInactiveAreaTurnsRequestsAwayUncounted() {
        var e = early(8 * GiB);
        Cma c = e.areas().declareContiguous(4 * GiB - 32 * MiB, 64 * MiB, 0, 0, 0, true, "across");
        try (var a = e.activate()) {
            assertThat(c.active()).isFalse();
            assertThat(c.alloc(1, 0, false)).isEmpty();
            assertThat(e.areas().vmCmaAllocFail()).isZero();
            assertThat(c.metrics().allocPagesFail()).isZero();
        }
    }

    @Test
    void aFailedSearchLogsTheKernelsLineAndTheFreeExtents() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 2 * MiB, 0, 0, 0, true, "reserved");
        try (var a = e.activate()) {
            CmaAllocation x = c.alloc(100, 0, false).orElseThrow();
            c.alloc(300, 0, false).orElseThrow();
            c.release(x);
            assertThat(c.alloc(200, 0, false)).isEmpty();
            assertThat(e.log().lines()).containsSubsequence(
                    "cma: __cma_alloc: reserved: alloc failed, req-size: 200 pages, ret: -12",
                    "cma: number of available pages: 100@0+112@400=> 212 free of 512 total pages");
            assertThat(c.alloc(200, 0, true)).isEmpty();
            assertThat(e.log().errors()).hasSize(1);
        }
    }

    @Test
    void theFailureLineIsRatelimitedLikePrErrRatelimited() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 2 * MiB, 0, 0, 0, true, "reserved");
        try (var a = e.activate()) {
            c.alloc(512, 0, false).orElseThrow();
            for (int i = 0; i < 15; i++) {
                assertThat(c.alloc(1, 0, false)).isEmpty();
            }
            assertThat(e.log().errors()).hasSize(10);
            assertThat(e.log().lines()).filteredOn(l -> l.startsWith("cma: number of available pages")).hasSize(15);
            assertThat(c.metrics().allocFail()).isEqualTo(15);
        }
    }

    @Test
    void declaringAfterActivationIsRefused() {
        var e = early(1 * GiB);
        try (var a = e.activate()) {
            assertThatThrownBy(() -> e.areas().declareContiguous(0, 2 * MiB, 0, 0, 0, false, "late"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("__init");
            assertThat(e.areas().count()).isZero();
        }
    }

    @Test
    void busyRangesAreRetriedFurtherOn() throws Exception {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 32 * MiB, 0, 0, 0, true, "reserved");
        long busy = 0x10000L + 5;
        try (var a = e.activate(p -> TestMachines.failing(p, pfn -> pfn == busy, Errno.EBUSY))) {
            CmaAllocation x = c.alloc(16, 4, false).orElseThrow();
            // mask = 15: after the busy try at bit 0, the search restarts at bit 16.
            assertThat(x.pfn()).isEqualTo(0x10000L + 16);
            assertThat(x.cost().retries()).isEqualTo(1);
            assertThat(c.metrics().busyRetries()).isEqualTo(1);
            assertThat(c.used()).isEqualTo(16);
        }
    }

    @Test
    void busyEverywhereFailsWithEbusyInTheLogLine() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 2 * MiB, 0, 0, 0, true, "reserved");
        try (var a = e.activate(p -> TestMachines.failing(p, pfn -> (pfn & 63) == 7, Errno.EBUSY))) {
            assertThat(c.alloc(64, 6, false)).isEmpty();
            assertThat(c.metrics().busyRetries()).isEqualTo(8);
            assertThat(e.log().errors()).containsExactly(
                    "cma: __cma_alloc: reserved: alloc failed, req-size: 64 pages, ret: -16");
            assertThat(c.used()).isZero();
        }
    }

    @Test
    void otherErrorsStopTheSearch() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 2 * MiB, 0, 0, 0, true, "reserved");
        try (var a = e.activate(p -> TestMachines.failing(p, pfn -> pfn == 0x10000L, Errno.EINTR))) {
            assertThat(c.alloc(1, 0, false)).isEmpty();
            assertThat(c.metrics().busyRetries()).isZero();
            assertThat(e.log().errors()).containsExactly(
                    "cma: __cma_alloc: reserved: alloc failed, req-size: 1 pages, ret: -4");
            assertThat(c.used()).isZero();
        }
    }

    @Test
    void releaseOutsideTheAreaIsFalse() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 2 * MiB, 0, 0, 0, true, "reserved");
        try (var a = e.activate()) {
            assertThat(c.release(0x10000L - 1, 1)).isFalse();
            assertThat(c.release(0x10000L + 512, 1)).isFalse();
        }
    }

    @Test
    void doubleFreeIsAnIllegalStateAndChangesNothing() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 2 * MiB, 0, 0, 0, true, "reserved");
        try (var a = e.activate()) {
            CmaAllocation x = c.alloc(8, 0, false).orElseThrow();
            c.alloc(8, 0, false).orElseThrow();
            c.release(x);
            long free = a.pages().freePages();
            assertThatThrownBy(() -> c.release(x)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("pfn=" + x.pfn()).hasMessageContaining("double free");
            assertThat(c.used()).isEqualTo(8);
            assertThat(a.pages().freePages()).isEqualTo(free);
        }
    }

    @Test
    void releasePastTheAreaEndIsAnIllegalArgument() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 2 * MiB, 0, 0, 0, true, "reserved");
        try (var a = e.activate()) {
            c.alloc(512, 0, false).orElseThrow();
            assertThatThrownBy(() -> c.release(0x10000L + 500, 20)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> c.release(0x10000L, -1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aHugeReleaseCountIsRefusedWithoutTouchingAnything() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 2 * MiB, 0, 0, 0, true, "reserved");
        try (var a = e.activate()) {
            CmaAllocation x = c.alloc(8, 0, false).orElseThrow();
            assertThatThrownBy(() -> c.release(x.pfn(), Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
            assertThat(c.allocations()).containsExactly(x);
            assertThat(c.used()).isEqualTo(8);
            assertThat(c.release(x)).isTrue();
            assertThat(c.used()).isZero();
        }
    }

    @Test
    void suspendWaitsForAllocationsInFlight() throws Exception {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 32 * MiB, 0, 0, 0, true, "reserved");
        try (var a = e.activate()) {
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger leaked = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean held = new java.util.concurrent.atomic.AtomicBoolean();
            Thread[] ts = new Thread[2];
            for (int t = 0; t < ts.length; t++) {
                ts[t] = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            c.alloc(16, 0, true).ifPresent(x -> {
                                if (held.get()) {
                                    leaked.incrementAndGet();
                                }
                                c.release(x);
                            });
                        } catch (IllegalStateException suspended) {
                            Thread.onSpinWait();
                        }
                    }
                });
                ts[t].start();
            }
            int suspends = 0;
            long deadline = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                try {
                    e.areas().suspend();
                    held.set(true);
                    suspends++;
                    assertThat(c.allocations()).as("nothing allocated while suspended").isEmpty();
                    Thread.sleep(1);
                    assertThat(c.allocations()).isEmpty();
                    held.set(false);
                    e.areas().resume();
                } catch (ErrnoException busy) {
                    assertThat(busy.errno()).isEqualTo(Errno.EBUSY);
                }
            }
            stop.set(true);
            for (Thread t : ts) {
                t.join();
            }
            assertThat(suspends).isPositive();
            assertThat(leaked.get()).as("allocations that completed after suspend succeeded").isZero();
            assertThat(c.used()).isZero();
        }
    }

    @Test
    void partialReleaseSplitsTheAllocation() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 2 * MiB, 0, 0, 0, true, "reserved");
        try (var a = e.activate()) {
            CmaAllocation x = c.alloc(100, 0, false, "drv").orElseThrow();
            assertThat(c.release(x.pfn() + 10, 20)).isTrue();
            assertThat(c.allocations()).extracting(CmaAllocation::pfn, CmaAllocation::count)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(x.pfn(), 10L),
                            org.assertj.core.groups.Tuple.tuple(x.pfn() + 30, 70L));
            assertThat(c.used()).isEqualTo(80);
        }
    }

    @Test
    void partialReleaseThatSplitsABitIsRefused() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 2 * MiB, 0, 0, 2, true, "opb2");
        try (var a = e.activate()) {
            CmaAllocation x = c.alloc(16, 0, false).orElseThrow();
            assertThatThrownBy(() -> c.release(x.pfn() + 1, 4)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("order_per_bit=2");
            assertThat(c.release(x.pfn() + 4, 12)).isTrue();
            assertThat(c.used()).isEqualTo(4);
        }
    }

    @Test
    void badArgumentsAreIllegalArguments() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 2 * MiB, 0, 0, 0, true, "reserved");
        try (var a = e.activate()) {
            assertThatThrownBy(() -> c.alloc(-1, 0, false)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("count: -1 (expected: >= 0)");
            assertThatThrownBy(() -> c.alloc(1, 64, false)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("align: 64 (expected: 0..63)");
        }
    }

    @Test
    void hugeAlignmentFailsCleanly() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 2 * MiB, 0, 0, 0, true, "reserved");
        try (var a = e.activate()) {
            c.alloc(1, 0, false).orElseThrow();
            assertThat(c.alloc(1, 63, true)).isEmpty();
            assertThat(c.alloc(1, 40, true)).isEmpty();
        }
    }

    @Test
    void anAreaAcrossTwoZonesIsNotActivatedAndItsPagesGoBack() {
        var e = early(8 * GiB);
        Cma c = e.areas().declareContiguous(4 * GiB - 32 * MiB, 64 * MiB, 0, 0, 0, true, "across");
        try (var a = e.activate()) {
            assertThat(e.log().errors()).containsExactly("cma: CMA area across could not be activated");
            assertThat(c.count()).isZero();
            assertThat(c.active()).isFalse();
            assertThat(e.areas().totalcmaPages()).isZero();
            assertThat(a.pages().freePages()).isEqualTo(8 * GiB / Mm.PAGE_SIZE);
            assertThat(c.alloc(1, 0, true)).isEmpty();
        }
    }

    @Test
    void reservePagesOnErrorKeepsThePagesOfAFailedArea() {
        var e = early(8 * GiB);
        Cma c = e.areas().declareContiguous(4 * GiB - 32 * MiB, 64 * MiB, 0, 0, 0, true, "across");
        e.areas().reservePagesOnError(c);
        try (var a = e.activate()) {
            assertThat(a.pages().freePages()).isEqualTo((8 * GiB - 64 * MiB) / Mm.PAGE_SIZE);
        }
    }

    @Test
    void activationMarksPageblocksCmaAndFreesThePages() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 8 * MiB, 0, 0, 0, true, "reserved");
        try (var a = e.activate()) {
            for (long pfn = c.basePfn(); pfn < c.basePfn() + c.count(); pfn += Mm.PAGEBLOCK_NR_PAGES) {
                assertThat(a.pageblocks().get(pfn)).isEqualTo(io.jcma.cma.mm.Migratetype.CMA);
            }
            assertThat(a.pageblocks().get(c.basePfn() - 1)).isEqualTo(io.jcma.cma.mm.Migratetype.MOVABLE);
            assertThat(a.pages().freeCmaPages()).isEqualTo(2048);
            assertThat(a.pages().freePages()).isEqualTo(1 * GiB / Mm.PAGE_SIZE);
        }
    }

    @Test
    void allocatedPagesAreTheRamAtThatAddress() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 2 * MiB, 0, 0, 0, true, "reserved");
        try (var a = e.activate()) {
            CmaAllocation x = c.alloc(2, 0, false).orElseThrow();
            x.segment().set(java.lang.foreign.ValueLayout.JAVA_LONG, 4096, 0xfeedfaceL);
            assertThat(a.memory().segment(x.pfn() + 1, 1).get(java.lang.foreign.ValueLayout.JAVA_LONG, 0))
                    .isEqualTo(0xfeedfaceL);
            assertThat(x.segment().byteSize()).isEqualTo(2 * Mm.PAGE_SIZE);
        }
    }

    @Test
    void suspendWithLiveAllocationsIsEbusyNamingThem() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 2 * MiB, 0, 0, 0, true, "reserved");
        try (var a = e.activate()) {
            CmaAllocation x = c.alloc(3, 0, false, "gpu0").orElseThrow();
            assertThatThrownBy(() -> e.areas().suspend()).isInstanceOfSatisfying(ErrnoException.class, ex -> {
                assertThat(ex.errno()).isEqualTo(Errno.EBUSY);
                assertThat(ex.getMessage()).contains("reserved: pfn=" + x.pfn() + " count=3 owner=gpu0");
            });
            c.release(x);
            e.areas().suspend();
            assertThatThrownBy(() -> c.alloc(1, 0, false)).isInstanceOf(IllegalStateException.class);
            e.areas().resume();
            assertThat(c.alloc(1, 0, false)).isPresent();
        }
    }

    @Test
    void callSitesAreRecordedWhenAskedFor() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 2 * MiB, 0, 0, 0, true, "reserved");
        try (var a = e.activate()) {
            assertThat(c.alloc(1, 0, false).orElseThrow().callSite()).isEqualTo("-");
            e.areas().setTrackCallSites(true);
            assertThat(c.alloc(1, 0, false).orElseThrow().callSite())
                    .startsWith("io.jcma.cma.CmaAllocTest.callSitesAreRecordedWhenAskedFor(CmaAllocTest.java:");
        }
    }

    @Test
    void aLayerAddedAboveIsSkippedByTheCallSite() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 2 * MiB, 0, 0, 0, true, "reserved");
        try (var a = e.activate()) {
            e.areas().setTrackCallSites(true);
            // the test classes play the layer above: with them skipped the caller is JUnit's frame
            e.areas().addLayerAbove(CmaAllocTest.class);
            assertThat(c.alloc(1, 0, false).orElseThrow().callSite()).doesNotStartWith("io.jcma.cma.")
                    .startsWith("org.junit.");
        }
    }

    @Test
    void aLayerAboveNeedsAnAnchor() {
        var e = early(1 * GiB);
        assertThatThrownBy(() -> e.areas().addLayerAbove()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("anchors: none");
    }

    @Test
    void releasingAnotherAreasAllocationIsRefused() {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 2 * MiB, 0, 0, 0, true, "one");
        var other = early(1 * GiB);
        Cma d = other.areas().declareContiguous(0x10000000L, 2 * MiB, 0, 0, 0, true, "two");
        try (var a = e.activate(); var b = other.activate()) {
            CmaAllocation x = c.alloc(4, 0, false).orElseThrow();
            CmaAllocation y = d.alloc(4, 0, false).orElseThrow();
            assertThat(y.pfn()).isEqualTo(x.pfn());
            assertThatThrownBy(() -> c.release(y)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("allocation: CmaAllocation[area=two").hasMessageContaining("area one");
            assertThat(c.allocations()).containsExactly(x);
            assertThat(d.allocations()).containsExactly(y);
            assertThat(c.used()).isEqualTo(4);
        }
    }

    @Test
    void reservePagesOnErrorForAnotherMachinesAreaIsRefused() {
        var e = early(1 * GiB);
        var other = early(1 * GiB);
        Cma d = other.areas().declareContiguous(0x10000000L, 2 * MiB, 0, 0, 0, true, "two");
        assertThatThrownBy(() -> e.areas().reservePagesOnError(d)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(expected: an area of this machine)");
    }

    @Test
    void aTurnedAwayRequestTracesItsStartAndNoFinish() throws Exception {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 2 * MiB, 0, 0, 0, true, "reserved");
        Path file = Files.createTempFile("jcma", ".jfr");
        try (var a = e.activate(); Recording r = new Recording()) {
            r.enable("jcma.CmaAllocStart");
            r.enable("jcma.CmaAllocFinish");
            r.start();
            assertThat(c.alloc(0, 0, false)).isEmpty();
            assertThat(c.alloc(513, 0, false)).isEmpty();
            r.stop();
            r.dump(file);
            List<RecordedEvent> ev = RecordingFile.readAllEvents(file);
            assertThat(ev).extracting(v -> v.getEventType().getName())
                    .containsExactly("jcma.CmaAllocStart", "jcma.CmaAllocStart");
            assertThat(ev).extracting(v -> v.getLong("count")).containsExactly(0L, 513L);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void jfrEventsMirrorTheTracepoints() throws Exception {
        var e = early(1 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 2 * MiB, 0, 0, 0, true, "reserved");
        Path file = Files.createTempFile("jcma", ".jfr");
        try (var a = e.activate(p -> TestMachines.failing(p, pfn -> pfn == 0x10000L, Errno.EBUSY));
             Recording r = new Recording()) {
            r.enable("jcma.CmaAllocStart");
            r.enable("jcma.CmaAllocFinish");
            r.enable("jcma.CmaAllocBusyRetry");
            r.enable("jcma.CmaRelease");
            r.start();
            Optional<CmaAllocation> x = c.alloc(4, 0, false, "evt");
            c.release(x.orElseThrow());
            r.stop();
            r.dump(file);
            List<RecordedEvent> ev = RecordingFile.readAllEvents(file);
            assertThat(ev).extracting(v -> v.getEventType().getName()).containsExactly(
                    "jcma.CmaAllocStart", "jcma.CmaAllocBusyRetry", "jcma.CmaAllocFinish", "jcma.CmaRelease");
            RecordedEvent fin = ev.get(2);
            assertThat(fin.getLong("pfn")).isEqualTo(0x10001L);
            assertThat(fin.getLong("retries")).isEqualTo(1);
            assertThat(fin.getInt("errorCode")).isZero();
            assertThat(fin.getString("owner")).isEqualTo("evt");
            assertThat(fin.getLong("address")).isEqualTo(Mm.pfnPhys(0x10001L));
            assertThat(fin.getLong("size")).isEqualTo(4 * Mm.PAGE_SIZE);
            assertThat(fin.getEventType().getField("address").getAnnotation(jdk.jfr.MemoryAddress.class)).isNotNull();
            assertThat(fin.getEventType().getField("size").getContentType()).isEqualTo("jdk.jfr.DataAmount");
            assertThat(fin.getEventType().getField("bytesCopied").getContentType()).isEqualTo("jdk.jfr.DataAmount");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}

package io.jcma.cma;

import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.mm.Mm;
import org.junit.jupiter.api.Test;

import static io.jcma.cma.TestMachines.GiB;
import static io.jcma.cma.TestMachines.MiB;
import static io.jcma.cma.TestMachines.early;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** cma_declare_contiguous_nid(): one test per validation rule, errno and log line. */
class CmaDeclareTest {

    private static ErrnoException declareFails(TestMachines.Early e, long base, long size, long limit, long align,
                                               int opb, boolean fixed) {
        try {
            e.areas().declareContiguousNid(base, size, limit, align, opb, fixed, "t", Mm.NUMA_NO_NODE);
        } catch (ErrnoException ex) {
            return ex;
        }
        throw new AssertionError("expected an ErrnoException");
    }

    @Test
    void noFreeSlotIsEnospcWithTheKernelsMessage() {
        var e = early(4 * GiB);
        for (int i = 0; i < CmaAreas.MAX_CMA_AREAS; i++) {
            e.areas().declareContiguous(0, 2 * MiB, 0, 0, 0, false, "a" + i);
        }
        ErrnoException ex = declareFails(e, 0, 2 * MiB, 0, 0, 0, false);
        assertThat(ex.errno()).isEqualTo(Errno.ENOSPC);
        assertThat(e.log().errors()).contains("cma: Not enough slots for CMA reserved regions!");
        assertThat(e.areas().count()).isEqualTo(CmaAreas.MAX_CMA_AREAS);
    }

    @Test
    void cmaAllocAreasGrowsTheArrayBeyondTheStaticSlots() {
        var e = early(4 * GiB);
        e.areas().allocAreas(12);
        for (int i = 0; i < 12; i++) {
            e.areas().declareContiguous(0, 2 * MiB, 0, 0, 0, false, "a" + i);
        }
        assertThat(e.areas().count()).isEqualTo(12);
        assertThat(declareFails(e, 0, 2 * MiB, 0, 0, 0, false).errno()).isEqualTo(Errno.ENOSPC);
    }

    @Test
    void cmaAllocAreasRejectsANegativeSizeAndIgnoresSmallerOnes() {
        var e = early(4 * GiB);
        assertThatThrownBy(() -> e.areas().allocAreas(-1)).isInstanceOfSatisfying(ErrnoException.class,
                x -> assertThat(x.errno()).isEqualTo(Errno.EINVAL));
        e.areas().allocAreas(4);
        assertThat(e.areas().capacity()).isEqualTo(CmaAreas.MAX_CMA_AREAS);
    }

    @Test
    void zeroSizeIsEinvalWithoutALogLine() {
        var e = early(4 * GiB);
        assertThat(declareFails(e, 0, 0, 0, 0, 0, false).errno()).isEqualTo(Errno.EINVAL);
        assertThat(e.log().errors()).isEmpty();
    }

    @Test
    void alignmentNotAPowerOfTwoIsEinval() {
        var e = early(4 * GiB);
        ErrnoException ex = declareFails(e, 0, 4 * MiB, 0, 3 * MiB, 0, false);
        assertThat(ex.errno()).isEqualTo(Errno.EINVAL);
        assertThat(ex.getMessage()).contains("alignment=0x0000000000300000");
        assertThat(e.log().errors()).isEmpty();
    }

    @Test
    void smallAlignmentIsRaisedToPageblockSize() {
        var e = early(4 * GiB);
        Cma c = e.areas().declareContiguous(0, 1 * MiB, 0, 4096, 0, false, "t");
        assertThat(c.base() % (2 * MiB)).isZero();
        assertThat(c.size()).isEqualTo(2 * MiB);
    }

    @Test
    void largerAlignmentIsKept() {
        var e = early(4 * GiB);
        e.memblock().reserve(4 * GiB - 2 * MiB, 2 * MiB);
        Cma c = e.areas().declareContiguous(0, 2 * MiB, 0, 64 * MiB, 0, false, "t");
        // The size is aligned too (ALIGN(size, alignment)): 64 MiB, below the reserved top.
        assertThat(c.size()).isEqualTo(64 * MiB);
        assertThat(c.base()).isEqualTo(4 * GiB - 128 * MiB);
    }

    @Test
    void fixedUnalignedBaseIsEinvalWithBothLogLines() {
        var e = early(4 * GiB);
        ErrnoException ex = declareFails(e, 0x20100000L, 64 * MiB, 0, 0, 0, true);
        assertThat(ex.errno()).isEqualTo(Errno.EINVAL);
        assertThat(e.log().errors()).containsExactly(
                "cma: Region at 0x0000000020100000 must be aligned to 0x0000000000200000 bytes",
                "cma: Failed to reserve 64 MiB on node -1");
    }

    @Test
    void sizeRoundsUpToTwoMib() {
        var e = early(4 * GiB);
        assertThat(e.areas().declareContiguous(0, 1 * MiB, 0, 0, 0, false, "a").size()).isEqualTo(2 * MiB);
        assertThat(e.areas().declareContiguous(0, 3_000_000, 0, 0, 0, false, "b").size()).isEqualTo(4 * MiB);
    }

    @Test
    void limitRoundsDown() {
        var e = early(4 * GiB);
        Cma c = e.areas().declareContiguous(0, 2 * MiB, 0x10300000L, 0, 0, false, "t");
        assertThat(c.base()).isEqualTo(0x10000000L);
    }

    @Test
    void fixedWithBaseZeroIsPlacedDynamically() {
        var e = early(4 * GiB);
        Cma c = e.areas().declareContiguous(0, 64 * MiB, 0, 0, 0, true, "t");
        assertThat(c.base()).isEqualTo(4 * GiB - 64 * MiB);
    }

    @Test
    void sizeNotAWholeNumberOfBitsIsEinval() {
        var e = early(4 * GiB);
        // 2 MiB = 512 pages; order_per_bit 10 needs multiples of 1024 pages.
        ErrnoException ex = declareFails(e, 0, 2 * MiB, 0, 0, 10, false);
        assertThat(ex.errno()).isEqualTo(Errno.EINVAL);
        assertThat(ex.getMessage()).contains("order_per_bit=10");
        assertThat(e.log().errors()).isEmpty();
    }

    @Test
    void orderPerBitAboveAPageblockFailsInInitReservedMemAndGivesTheMemoryBack() {
        var e = early(4 * GiB);
        long reservedBefore = e.memblock().reservedSize();
        ErrnoException ex = declareFails(e, 0, 4 * MiB, 0, 0, 10, false);
        assertThat(ex.errno()).isEqualTo(Errno.EINVAL);
        assertThat(e.memblock().reservedSize()).isEqualTo(reservedBefore);
        assertThat(e.log().errors()).containsExactly("cma: Failed to reserve 4 MiB on node -1");
    }

    @Test
    void fixedRegionAcrossTheEndOfLowMemoryIsEinval() {
        var e = early(4 * GiB);
        ErrnoException ex = declareFails(e, 4 * GiB - 2 * MiB, 4 * MiB, 0, 0, 0, true);
        assertThat(ex.errno()).isEqualTo(Errno.EINVAL);
        assertThat(e.log().errors()).containsExactly(
                "cma: Region at 0x00000000ffe00000 defined on low/high memory boundary (0x0000000100000000)",
                "cma: Failed to reserve 4 MiB on node -1");
    }

    @Test
    void regionBeyondTheLimitIsEinval() {
        var e = early(4 * GiB);
        ErrnoException ex = declareFails(e, 0x20000000L, 64 * MiB, 0x21000000L, 0, 0, false);
        assertThat(ex.errno()).isEqualTo(Errno.EINVAL);
        assertThat(e.log().errors()).containsExactly(
                "cma: Size (0x0000000004000000) of region at 0x0000000020000000 exceeds limit (0x0000000021000000)",
                "cma: Failed to reserve 64 MiB on node -1");
    }

    @Test
    void fixedRegionOverlappingAReservationIsEbusy() {
        var e = early(4 * GiB);
        e.memblock().reserve(0x21000000L, 4096);
        ErrnoException ex = declareFails(e, 0x20000000L, 64 * MiB, 0, 0, 0, true);
        assertThat(ex.errno()).isEqualTo(Errno.EBUSY);
        assertThat(e.log().errors()).containsExactly("cma: Failed to reserve 64 MiB on node -1");
    }

    @Test
    void fixedRegionInAHoleIsRefusedUnlikeLinux() {
        var e = early(1 * GiB);
        e.memblock().add(2 * GiB, 1 * GiB, 0);
        ErrnoException ex = declareFails(e, 1 * GiB + 512 * MiB, 64 * MiB, 0, 0, 0, true);
        assertThat(ex.errno()).isEqualTo(Errno.EINVAL);
        assertThat(ex.getMessage()).contains("not wholly RAM");
        assertThat(e.memblock().isRegionReserved(1 * GiB + 512 * MiB, 64 * MiB)).isFalse();
    }

    @Test
    void sizesNearTwoToTheSixtyFourAreEinvalNotAnOverflow() {
        var e = early(4 * GiB);
        ErrnoException ex = declareFails(e, 0, 0x7fffffffffffffffL, 0, 0, 0, false);
        assertThat(ex.errno()).isEqualTo(Errno.EINVAL);
        assertThat(e.log().errors()).containsExactly(
                "cma: Size (0x8000000000000000) of region at 0x0000000000000000 exceeds limit (0x0000000100000000)",
                "cma: Failed to reserve 8796093022208 MiB on node -1");
        assertThat(declareFails(e, 0x7fffffffffe00000L, 2 * MiB, 0, 0, 0, true).errno()).isEqualTo(Errno.EINVAL);
        assertThat(declareFails(e, 0, -1L, 0, 0, 0, false).errno()).isEqualTo(Errno.EINVAL);
        assertThat(e.areas().count()).isZero();
        assertThat(e.memblock().reservedSize()).isZero();
    }

    @Test
    void noRoomIsEnomem() {
        var e = early(256 * MiB);
        e.areas().declareContiguous(0, 128 * MiB, 0, 0, 0, false, "a");
        ErrnoException ex = declareFails(e, 0, 160 * MiB, 0, 0, 0, false);
        assertThat(ex.errno()).isEqualTo(Errno.ENOMEM);
        assertThat(e.log().errors()).containsExactly("cma: Failed to reserve 160 MiB on node -1");
    }

    @Test
    void dynamicPlacementIsTopDownBelowTheLimitAndLogged() {
        var e = early(4 * GiB);
        e.memblock().reserve(4 * GiB - 16 * MiB, 16 * MiB);
        Cma c = e.areas().declareContiguous(0, 64 * MiB, 0, 0, 0, false, "t");
        assertThat(c.base()).isEqualTo(4 * GiB - 80 * MiB);
        assertThat(e.log().lines()).contains("cma: Reserved 64 MiB at 0x00000000fb000000 on node -1");
        assertThat(e.memblock().isRegionWhollyReserved(c.base(), c.size())).isTrue();
    }

    @Test
    void aboveFourGibTheSearchGoesBottomUpFromFourGibIgnoringBase() {
        var e = early(5 * GiB);
        Cma c = e.areas().declareContiguous(0x10000000L, 64 * MiB, 0, 0, 0, false, "t");
        assertThat(c.base()).isEqualTo(4 * GiB);
        assertThat(e.memblock().bottomUp()).isFalse();
    }

    @Test
    void bottomUpIsSkippedWhenRamDoesNotReachFourGibPlusSize() {
        var e = early(4 * GiB + 32 * MiB);
        Cma c = e.areas().declareContiguous(0, 64 * MiB, 0, 0, 0, false, "t");
        assertThat(c.base()).isEqualTo(4 * GiB + 32 * MiB - 64 * MiB);
    }

    @Test
    void aNodeRestrictsPlacementToThatNodesMemory() {
        var e = early(2 * GiB);
        e.memblock().add(2 * GiB, 2 * GiB, 1);
        Cma c0 = e.areas().declareContiguousNid(0, 64 * MiB, 0, 0, 0, false, "n0", 0);
        Cma c1 = e.areas().declareContiguousNid(0, 64 * MiB, 0, 0, 0, false, "n1", 1);
        assertThat(c0.base()).isEqualTo(2 * GiB - 64 * MiB);
        assertThat(c1.base()).isEqualTo(4 * GiB - 64 * MiB);
        assertThat(c1.nid()).isEqualTo(1);
        assertThat(e.log().lines()).contains("cma: Reserved 64 MiB at 0x00000000fc000000 on node 1");
    }

    @Test
    void fixedRegionIsReservedExactlyWhereAsked() {
        var e = early(4 * GiB);
        Cma c = e.areas().declareContiguous(0x20000000L, 64 * MiB, 0, 0, 0, true, "t");
        assertThat(c.basePfn()).isEqualTo(131072);
        assertThat(c.count()).isEqualTo(16384);
        assertThat(e.memblock().isRegionWhollyReserved(0x20000000L, 64 * MiB)).isTrue();
        assertThat(e.areas().totalcmaPages()).isEqualTo(16384);
    }
}

package io.jcma.cma;

import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.kernel.Errno;
import org.junit.jupiter.api.Test;

import static io.jcma.cma.TestMachines.GiB;
import static io.jcma.cma.TestMachines.MiB;
import static io.jcma.cma.TestMachines.early;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** cma_init_reserved_mem(): one test per validation rule and errno. */
class CmaInitReservedMemTest {

    private static Errno fails(TestMachines.Early e, long base, long size, int opb) {
        ErrnoException ex = catchThrowableOfType(ErrnoException.class,
                () -> e.areas().initReservedMem(base, size, opb, null));
        assertThat(ex).as("expected an ErrnoException").isNotNull();
        return ex.errno();
    }

    @Test
    void createsAnAreaFromReservedMemoryNamedCmaN() {
        var e = early(1 * GiB);
        e.memblock().reserve(256 * MiB, 32 * MiB);
        Cma c = e.areas().initReservedMem(256 * MiB, 32 * MiB, 0, null);
        assertThat(c.name()).isEqualTo("cma0");
        assertThat(c.basePfn()).isEqualTo(65536);
        assertThat(c.count()).isEqualTo(8192);
        e.memblock().reserve(512 * MiB, 2 * MiB);
        assertThat(e.areas().initReservedMem(512 * MiB, 2 * MiB, 0, null).name()).isEqualTo("cma1");
        assertThat(e.areas().totalcmaPages()).isEqualTo(8192 + 512);
    }

    @Test
    void noFreeSlotIsEnospc() {
        var e = early(1 * GiB);
        for (int i = 0; i < CmaAreas.MAX_CMA_AREAS; i++) {
            e.memblock().reserve(i * 4 * MiB + 64 * MiB, 2 * MiB);
            e.areas().initReservedMem(i * 4 * MiB + 64 * MiB, 2 * MiB, 0, null);
        }
        e.memblock().reserve(512 * MiB, 2 * MiB);
        assertThat(fails(e, 512 * MiB, 2 * MiB, 0)).isEqualTo(Errno.ENOSPC);
        assertThat(e.log().errors()).contains("cma: Not enough slots for CMA reserved regions!");
    }

    @Test
    void zeroSizeIsEinval() {
        var e = early(1 * GiB);
        e.memblock().reserve(256 * MiB, 32 * MiB);
        assertThat(fails(e, 256 * MiB, 0, 0)).isEqualTo(Errno.EINVAL);
    }

    @Test
    void unreservedRangeIsEinval() {
        var e = early(1 * GiB);
        assertThat(fails(e, 256 * MiB, 32 * MiB, 0)).isEqualTo(Errno.EINVAL);
    }

    @Test
    void partlyReservedRangeIsEinvalInJcma() {
        var e = early(1 * GiB);
        e.memblock().reserve(256 * MiB, 16 * MiB);
        ErrnoException ex = catchThrowableOfType(ErrnoException.class,
                () -> e.areas().initReservedMem(256 * MiB, 32 * MiB, 0, null));
        assertThat(ex.errno()).isEqualTo(Errno.EINVAL);
        assertThat(ex.getMessage()).contains("only partly reserved");
    }

    @Test
    void orderPerBitLargerThanAPageblockIsEinval() {
        var e = early(1 * GiB);
        e.memblock().reserve(256 * MiB, 32 * MiB);
        assertThat(fails(e, 256 * MiB, 32 * MiB, 10)).isEqualTo(Errno.EINVAL);
        assertThat(e.areas().initReservedMem(256 * MiB, 32 * MiB, 9, "ok").orderPerBit()).isEqualTo(9);
    }

    @Test
    void unalignedBaseIsEinval() {
        var e = early(1 * GiB);
        e.memblock().reserve(256 * MiB, 64 * MiB);
        assertThat(fails(e, 257 * MiB, 32 * MiB, 0)).isEqualTo(Errno.EINVAL);
    }

    @Test
    void unalignedSizeIsEinval() {
        var e = early(1 * GiB);
        e.memblock().reserve(256 * MiB, 64 * MiB);
        assertThat(fails(e, 256 * MiB, 3 * MiB, 0)).isEqualTo(Errno.EINVAL);
    }

    @Test
    void longNamesAreCutTo63Characters() {
        var e = early(1 * GiB);
        e.memblock().reserve(256 * MiB, 2 * MiB);
        Cma c = e.areas().initReservedMem(256 * MiB, 2 * MiB, 0, "x".repeat(100));
        assertThat(c.name()).hasSize(63);
    }

    @Test
    void failedChecksLeaveNoArea() {
        var e = early(1 * GiB);
        e.memblock().reserve(256 * MiB, 64 * MiB);
        fails(e, 256 * MiB, 3 * MiB, 0);
        fails(e, 257 * MiB, 32 * MiB, 0);
        assertThat(e.areas().count()).isZero();
        assertThat(e.areas().totalcmaPages()).isZero();
    }
}

package io.jcma.shim;

import com.sun.jna.LastErrorException;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.shim.internal.Libc;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The FFM bindings and the JNA twin agree on every PFN, and on errno. */
class JnaTwinTest {
    private static final HugepageSize SIZE = HugepageSize.SIZE_2M;
    private static final int PAGES = 4;

    @BeforeEach
    void host() {
        Host.assumePhysicalAddresses();
        Host.assumeHugepages(SIZE, PAGES);
    }

    @Test
    void jnaReadsTheSamePfnsAsFfmForAnFfmMapping() {
        try (HugepageRegion r = HugepageRegion.map(SIZE, PAGES); Pagemap pm = Pagemap.openSelf()) {
            long[] ffm = pm.translate(r.segment());
            long[] jna = JnaTwin.pagemapPfns(r.address(), ffm.length);
            assertThat(jna).containsExactly(ffm);
        }
    }

    @Test
    void ffmReadsTheSamePfnsAsJnaForAJnaMapping() {
        long addr = JnaTwin.mmapHugepages(SIZE, PAGES);
        long bytes = PAGES * SIZE.bytes();
        try (Pagemap pm = Pagemap.openSelf()) {
            JnaTwin.populateWrite(addr, bytes);
            int pages = (int) (bytes >>> 12);
            long[] jna = JnaTwin.pagemapPfns(addr, pages);
            long[] ffm = pm.pfns(addr, pages);
            assertThat(ffm).containsExactly(jna);
            assertThat(Contiguity.checkWithin(jna, SIZE)).isEmpty();
        } finally {
            JnaTwin.munmap(addr, bytes);
        }
    }

    @Test
    void bothAgreeAfterTheRemap() {
        try (Pagemap pm = Pagemap.openSelf(); HugepageRegion r = HugepageRegion.map(SIZE, PAGES).remapByPfn(pm)) {
            long[] ffm = pm.translate(r.segment());
            assertThat(JnaTwin.pagemapPfns(r.address(), ffm.length)).containsExactly(ffm);
        }
    }

    @Test
    void bothReportEinvalForAZeroLengthMapping() {
        assertThatThrownBy(() -> Libc.mmap(0, 0, Libc.PROT_READ, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
        assertThatThrownBy(() -> JnaTwin.C.mmap(null, 0, 1, 0x22, -1, 0))
                .isInstanceOfSatisfying(LastErrorException.class, e -> assertThat(e.getErrorCode()).isEqualTo(22));
    }

    @Test
    void bothSeeTheSamePageSize() {
        assertThat(Libc.sysconf(Libc.SC_PAGESIZE)).isEqualTo(JnaTwin.C.sysconf(Libc.SC_PAGESIZE));
    }
}

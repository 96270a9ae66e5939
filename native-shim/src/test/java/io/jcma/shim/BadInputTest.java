package io.jcma.shim;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.shim.internal.Libc;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad input gives Java exceptions, never a fault: one test per case. */
class BadInputTest {
    private static final HugepageSize SIZE = HugepageSize.SIZE_2M;

    @Test
    void zeroPages() {
        assertThatThrownBy(() -> HugepageRegion.map(SIZE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("count: 0 (expected: > 0)");
    }

    @Test
    void negativePages() {
        assertThatThrownBy(() -> HugepageRegion.map(SIZE, -3))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("count: -3 (expected: > 0)");
    }

    @Test
    void zeroBytes() {
        assertThatThrownBy(() -> HugepageRegion.mapBytes(SIZE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytes: 0");
    }

    @Test
    void unalignedBytes() {
        assertThatThrownBy(() -> HugepageRegion.mapBytes(SIZE, SIZE.bytes() + 4096))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytes: 2101248");
    }

    @Test
    void sizeBeyondTheAddressSpace() {
        assertThatThrownBy(() -> HugepageRegion.mapBytes(SIZE, 1L << 48))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytes: 281474976710656");
        assertThatThrownBy(() -> HugepageRegion.map(HugepageSize.SIZE_1G, Integer.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hugeSizeThePoolCannotGiveIsEnomem() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Hugepages.system().supports(SIZE),
                "host without a hugepages-2048kB pool: mmap MAP_HUGETLB fails with EINVAL there, not ENOMEM");
        // 64 TiB of 2 MiB pages: no host has them; hugetlb refuses at mmap time, not by SIGBUS.
        assertThatThrownBy(() -> HugepageRegion.mapBytes(SIZE, 1L << 46))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOMEM))
                .hasMessageContaining("mmap: ");
    }

    @Test
    void unalignedMunmapIsEinval() {
        assertThatThrownBy(() -> Libc.munmap(0x1001, 4096))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
                .hasMessageContaining("addr=0x1001");
    }

    @Test
    void badMadviseIsEinval() {
        assertThatThrownBy(() -> Libc.madvise(0x1001, 4096, Libc.MADV_HUGEPAGE))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    }

    @Test
    void doubleUnmap() {
        Host.assumeHugepages(SIZE, 1);
        HugepageRegion r = HugepageRegion.map(SIZE, 1);
        r.close();
        assertThatThrownBy(r::close).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("region: already closed");
    }

    @Test
    void useAfterClose() {
        Host.assumeHugepages(SIZE, 1);
        HugepageRegion r = HugepageRegion.map(SIZE, 1);
        MemorySegment s = r.segment();
        s.set(ValueLayout.JAVA_LONG, 0, 1);
        r.close();
        assertThatThrownBy(() -> s.get(ValueLayout.JAVA_LONG, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(r::segment).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> r.page(0)).isInstanceOf(IllegalStateException.class);
        try (Pagemap pm = Pagemap.openSelf()) {
            assertThatThrownBy(() -> r.headPfns(pm)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> r.remapByPfn(pm)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> pm.translate(s)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void useAfterRemapOfTheSource() {
        Host.assumePhysicalAddresses();
        Host.assumeHugepages(SIZE, 2);
        HugepageRegion src = HugepageRegion.map(SIZE, 2);
        MemorySegment old = src.segment();
        try (Pagemap pm = Pagemap.openSelf(); HugepageRegion moved = src.remapByPfn(pm)) {
            assertThatThrownBy(() -> old.get(ValueLayout.JAVA_LONG, 0)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(src::close).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("moved by remapByPfn");
            assertThat(moved.isOpen()).isTrue();
        }
    }

    @Test
    void pageIndexOutOfRange() {
        Host.assumeHugepages(SIZE, 1);
        try (HugepageRegion r = HugepageRegion.map(SIZE, 1)) {
            assertThatThrownBy(() -> r.page(1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> r.page(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void sizeThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> HugepageSize.parse("3M")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hugepage size: 3M (expected: 2M or 1G)");
        assertThatThrownBy(() -> new HugepageSize(4096)).isInstanceOf(IllegalArgumentException.class);
    }
}

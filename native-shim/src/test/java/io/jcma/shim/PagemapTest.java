package io.jcma.shim;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.shim.internal.Libc;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pagemap reader's decoding and its errors, on sources that say what a test needs. */
class PagemapTest {
    /** A source whose every entry is {@code entry}, as a non-root reader sees present pages. */
    private static Pagemap constant(long entry) {
        return Pagemap.of((ByteBuffer dst, long pos) -> {
            int n = 0;
            ByteBuffer b = dst.duplicate().order(ByteOrder.nativeOrder());
            while (b.remaining() >= 8) {
                b.putLong(entry);
                n += 8;
            }
            dst.position(dst.position() + n);
            return n;
        }, "test");
    }

    @Test
    void presentPageWithPfnZeroMeansNotVisible() {
        Pagemap pm = constant(Pagemap.PRESENT);
        assertThatThrownBy(() -> pm.pfns(0x7f00_0000_0000L, 4))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPERM))
                .hasMessageContaining("physical addresses need CAP_SYS_ADMIN")
                .hasMessageContaining("va=0x7f0000000000");
    }

    @Test
    void translateOfARealSegmentReportsTheCapabilityWhenPfnsAreHidden() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(2 * 4096, 4096);
            assertThatThrownBy(() -> constant(Pagemap.PRESENT).translate(s))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPERM))
                    .hasMessageStartingWith("EPERM: physical addresses need CAP_SYS_ADMIN");
        }
    }

    @Test
    void aPageOnlyReadSoFarIsWriteFaultedOffTheZeroPage() {
        Host.assumePhysicalAddresses();
        long len = 2 * 4096;
        long va = Libc.mmap(0, len, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
        try (Arena a = Arena.ofConfined(); Pagemap pm = Pagemap.openSelf()) {
            MemorySegment s = Libc.segment(va, len, a);
            assertThat(Pagemap.present(pm.entries(va, 1)[0])).as("untouched").isFalse();
            assertThat(s.get(ValueLayout.JAVA_BYTE, 0)).isZero();
            long zeroPage = pm.entries(va, 1)[0];
            assertThat(Pagemap.present(zeroPage)).isTrue();
            assertThat(zeroPage & Pagemap.EXCLUSIVE).as("the shared zero page").isZero();
            long[] pfns = pm.translate(s);
            assertThat(pfns[0]).isNotEqualTo(Pagemap.pfn(zeroPage));
            assertThat(pfns[1]).as("the untouched page got a frame too").isNotZero();
            for (long e : pm.entries(va, 2)) {
                assertThat(e & Pagemap.EXCLUSIVE).isNotZero();
            }
            assertThat(s.get(ValueLayout.JAVA_LONG, 0)).isZero();
            assertThat(JnaTwin.pagemapPfns(va, 2)).containsExactly(pfns);
        } finally {
            Libc.munmap(va, len);
        }
    }

    @Test
    void translateKeepsContents() {
        Host.assumePhysicalAddresses();
        try (Arena a = Arena.ofConfined(); Pagemap pm = Pagemap.openSelf()) {
            MemorySegment s = a.allocate(4 * 4096, 4096);
            for (long off = 0; off < s.byteSize(); off += 8) {
                s.set(ValueLayout.JAVA_LONG, off, off * 31);
            }
            pm.translate(s);
            for (long off = 0; off < s.byteSize(); off += 8) {
                assertThat(s.get(ValueLayout.JAVA_LONG, off)).isEqualTo(off * 31);
            }
        }
    }

    @Test
    void theSkipReasonOfTheHugepageTestsNamesTheCapability() {
        assertThat(Host.physicalAddressesHidden(constant(Pagemap.PRESENT)))
                .hasValueSatisfying(s -> assertThat(s).contains("physical addresses need CAP_SYS_ADMIN"));
    }

    @Test
    void pageNotPresentIsEfault() {
        Pagemap pm = constant(0);
        assertThatThrownBy(() -> pm.pfns(0x1000, 1))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EFAULT))
                .hasMessageContaining("page not present at va=0x1000");
    }

    @Test
    void pfnIsBitsZeroTo54() {
        long entry = Pagemap.PRESENT | Pagemap.SOFT_DIRTY | Pagemap.EXCLUSIVE | 0x12_3456L;
        assertThat(constant(entry).pfns(0x2000, 3)).containsExactly(0x12_3456L, 0x12_3456L, 0x12_3456L);
        assertThat(Pagemap.pfn(Pagemap.PFN_MASK | Pagemap.PRESENT)).isEqualTo((1L << 55) - 1);
    }

    @Test
    void batchesCrossTheBatchSize() {
        long[] positions = new long[2];
        Pagemap pm = Pagemap.of((ByteBuffer dst, long pos) -> {
            positions[0]++;
            positions[1] = pos;
            ByteBuffer b = dst.duplicate().order(ByteOrder.nativeOrder());
            int n = 0;
            while (b.remaining() >= 8) {
                b.putLong(Pagemap.PRESENT | ((pos + n) / 8));
                n += 8;
            }
            dst.position(dst.position() + n);
            return n;
        }, "index");
        int pages = Pagemap.BATCH + 3;
        long[] pfns = pm.pfns(0x10_0000L, pages);
        for (int i = 0; i < pages; i++) {
            assertThat(pfns[i]).isEqualTo(0x100 + i);
        }
        assertThat(positions[0]).isEqualTo(2);
    }

    @Test
    void unalignedVirtualAddressIsRejected() {
        assertThatThrownBy(() -> constant(Pagemap.PRESENT | 1).entries(0x1001, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("va: 0x1001");
    }

    @Test
    void heapSegmentsHaveNoPhysicalAddress() {
        try (Pagemap pm = Pagemap.openSelf()) {
            assertThatThrownBy(() -> pm.translate(MemorySegment.ofArray(new byte[4096])))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("segment: heap");
        }
    }

    @Test
    void closedSegmentsAreRefused() {
        MemorySegment s;
        try (Arena a = Arena.ofConfined()) {
            s = a.allocate(4096, 4096);
        }
        try (Pagemap pm = Pagemap.openSelf()) {
            assertThatThrownBy(() -> pm.translate(s)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void translatesOrdinaryMemoryAfterTouchingIt() {
        Host.assumePhysicalAddresses();
        try (Arena a = Arena.ofConfined(); Pagemap pm = Pagemap.openSelf()) {
            MemorySegment s = a.allocate(3 * 4096, 4096);
            long[] pfns = pm.translate(s);
            assertThat(pfns).hasSize(3).doesNotContain(0L);
            assertThat(JnaTwin.pagemapPfns(s.address(), 3)).containsExactly(pfns);
        }
    }
}

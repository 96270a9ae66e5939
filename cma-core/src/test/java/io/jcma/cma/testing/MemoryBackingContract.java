package io.jcma.cma.testing;

import io.jcma.cma.Cma;
import io.jcma.cma.CmaAllocation;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import io.jcma.cma.mm.MemoryBacking;
import io.jcma.cma.mm.MemoryBank;
import io.jcma.cma.mm.Mm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link MemoryBacking} must do, run against each implementation by extending this
 * class (cma-core publishes it in its test-jar): map zeroed, writable, independent regions of
 * the asked size; refuse bad sizes; keep physical addresses consistent with the layout it
 * dictates; discard only when it says it can; make every segment unusable once closed; and boot
 * a machine whose CMA area allocates on it.
 *
 * <p>A subclass that needs host resources (root, hugepages) checks them in
 * {@link #assumeAvailable()} with JUnit assumptions: JUnit runs this class's {@code @BeforeEach}
 * before a subclass's, so the check must happen here, before the backing is opened.
 */
public abstract class MemoryBackingContract {
    /** Skips the test (JUnit assumptions, with the reason) when the host cannot give this backing. */
    protected void assumeAvailable() {
    }

    /** Opens a fresh backing of this kind; the contract closes it. */
    protected abstract MemoryBacking openBacking();

    /** The {@code --backing} spec that opens the same kind of backing through ServiceLoader. */
    protected abstract String spec();

    /** Banks to map when the backing does not dictate a layout. */
    protected List<MemoryBank> defaultBanks() {
        return List.of(new MemoryBank(0, 4096, 0), new MemoryBank(8192, 2048, 0));
    }

    /** RAM for the boot test when the backing does not dictate a layout. */
    protected long bootMemBytes() {
        return 64 * Mm.SZ_1M;
    }

    protected MemoryBacking backing;
    private final List<MemoryBacking.Region> regions = new ArrayList<>();
    private List<MemoryBank> banks;

    @BeforeEach
    final void open() {
        assumeAvailable();
        backing = openBacking();
        banks = backing.ramLayout().orElseGet(this::defaultBanks);
    }

    @AfterEach
    final void closeBacking() {
        if (backing != null) {
            backing.close();
        }
    }

    private MemoryBacking.Region map(MemoryBank b) {
        MemoryBacking.Region r = backing.map(b.start(), Mm.pfnPhys(b.pages()), b.nid());
        regions.add(r);
        return r;
    }

    @Test
    void nameIsNotBlank() {
        assertThat(backing.name()).isNotBlank();
    }

    @Test
    void ramLayoutIsSortedDisjointBanks() {
        Optional<List<MemoryBank>> layout = backing.ramLayout();
        if (layout.isEmpty()) {
            return;
        }
        List<MemoryBank> l = layout.get();
        assertThat(l).isNotEmpty();
        for (int i = 1; i < l.size(); i++) {
            assertThat(l.get(i).startPfn()).as("bank %d starts after bank %d ends", i, i - 1)
                    .isGreaterThan(l.get(i - 1).endPfn() - 1);
        }
    }

    @Test
    void mappedRegionsHaveTheBankSizeAndReadZero() {
        for (MemoryBank b : banks) {
            MemorySegment seg = map(b).segment();
            assertThat(seg.byteSize()).isEqualTo(Mm.pfnPhys(b.pages()));
            for (long off = 0; off < seg.byteSize(); off += Mm.PAGE_SIZE) {
                assertThat(seg.get(ValueLayout.JAVA_LONG, off)).as("first word of page at %d", off).isZero();
                assertThat(seg.get(ValueLayout.JAVA_LONG, off + Mm.PAGE_SIZE - 8)).isZero();
            }
        }
    }

    @Test
    void regionsAreWritableAndIndependent() {
        List<MemorySegment> segs = new ArrayList<>();
        for (MemoryBank b : banks) {
            segs.add(map(b).segment());
        }
        for (int i = 0; i < segs.size(); i++) {
            MemorySegment s = segs.get(i);
            s.set(ValueLayout.JAVA_LONG, 0, 0x1000L + i);
            s.set(ValueLayout.JAVA_LONG, s.byteSize() - 8, 0x2000L + i);
        }
        for (int i = 0; i < segs.size(); i++) {
            MemorySegment s = segs.get(i);
            assertThat(s.get(ValueLayout.JAVA_LONG, 0)).isEqualTo(0x1000L + i);
            assertThat(s.get(ValueLayout.JAVA_LONG, s.byteSize() - 8)).isEqualTo(0x2000L + i);
        }
    }

    @Test
    void mapRejectsZeroSize() {
        MemoryBank b = banks.getFirst();
        assertThatThrownBy(() -> backing.map(b.start(), 0, b.nid()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytes: 0");
    }

    @Test
    void mapRejectsUnalignedSize() {
        MemoryBank b = banks.getFirst();
        assertThatThrownBy(() -> backing.map(b.start(), 4097, b.nid()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytes: 4097");
    }

    @Test
    void physicalAddressesFollowTheLayout() {
        boolean dictated = backing.ramLayout().isPresent();
        for (MemoryBank b : banks) {
            MemoryBacking.Region r = map(b);
            long p0 = r.physicalAddress(0);
            if (p0 == -1) {
                assertThat(dictated).as("a backing that dictates the layout knows its physical addresses").isFalse();
                continue;
            }
            long bytes = Mm.pfnPhys(b.pages());
            for (long off = 0; off < bytes; off += Math.max(Mm.PAGE_SIZE, bytes / 64)) {
                assertThat(r.physicalAddress(off)).as("offset %d", off).isEqualTo(p0 + off);
            }
            assertThat(r.physicalAddress(bytes - 1)).isEqualTo(p0 + bytes - 1);
            if (dictated) {
                assertThat(p0).isEqualTo(b.start());
            }
        }
    }

    @Test
    void discardZeroesOrIsRefused() {
        MemoryBacking.Region r = map(banks.getFirst());
        MemorySegment s = r.segment();
        s.asSlice(0, 2 * Mm.PAGE_SIZE).fill((byte) 0x5a);
        if (r.canDiscard()) {
            r.discard(0, Mm.PAGE_SIZE);
            assertThat(s.get(ValueLayout.JAVA_BYTE, 0)).isZero();
            assertThat(s.get(ValueLayout.JAVA_BYTE, Mm.PAGE_SIZE - 1)).isZero();
            assertThat(s.get(ValueLayout.JAVA_BYTE, Mm.PAGE_SIZE)).as("the next page is kept").isEqualTo((byte) 0x5a);
        } else {
            assertThatThrownBy(() -> r.discard(0, Mm.PAGE_SIZE)).isInstanceOf(UnsupportedOperationException.class);
            assertThat(s.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 0x5a);
        }
    }

    @Test
    void closedBackingSegmentsAreUnusable() {
        MemorySegment s = map(banks.getFirst()).segment();
        s.set(ValueLayout.JAVA_LONG, 0, 42);
        backing.close();
        assertThatThrownBy(() -> s.get(ValueLayout.JAVA_LONG, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void vmapShowsPiecesOfTwoBanksOneAfterTheOtherOrIsRefused() {
        MemoryBacking.Region a = map(banks.getFirst());
        MemoryBacking.Region b = map(banks.getLast());
        List<MemoryBacking.Piece> pieces = List.of(new MemoryBacking.Piece(b, Mm.PAGE_SIZE, Mm.PAGE_SIZE),
                new MemoryBacking.Piece(a, 3 * Mm.PAGE_SIZE, 2 * Mm.PAGE_SIZE));
        try (Arena arena = Arena.ofShared()) {
            if (!backing.canVmap()) {
                assertThatThrownBy(() -> backing.vmap(pieces, arena)).isInstanceOf(UnsupportedOperationException.class);
                return;
            }
            MemorySegment v = backing.vmap(pieces, arena);
            assertThat(v.byteSize()).isEqualTo(3 * Mm.PAGE_SIZE);
            b.segment().set(ValueLayout.JAVA_LONG, Mm.PAGE_SIZE + 16, 0xabcL);
            assertThat(v.get(ValueLayout.JAVA_LONG, 16)).isEqualTo(0xabcL);
            v.set(ValueLayout.JAVA_LONG, 2 * Mm.PAGE_SIZE - 8, 0xdefL);
            assertThat(a.segment().get(ValueLayout.JAVA_LONG, 4 * Mm.PAGE_SIZE - 8)).isEqualTo(0xdefL);
        }
    }

    @Test
    void bootsAMachineWhoseCmaAreaAllocatesOnIt() {
        // 2 MiB: one pageblock, which one real 2 MiB hugepage always gives; two hugepages need
        // not be physically adjacent on the host.
        Platform p = Platform.builder().mem(bootMemBytes()).cmdline("cma=2M").backing(spec()).build();
        try (Machine m = Machine.boot(p)) {
            assertThat(m.errors()).isEmpty();
            Cma area = m.defaultArea().orElseThrow();
            assertThat(area.active()).isTrue();
            assertThat(area.count()).isEqualTo(512);
            CmaAllocation a = area.alloc(16, 4, false).orElseThrow();
            MemorySegment seg = a.segment();
            assertThat(seg.byteSize()).isEqualTo(16 * Mm.PAGE_SIZE);
            seg.fill((byte) 7);
            assertThat(m.memory().segment(a.pfn(), 1).get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 7);
            long host = m.memory().hostPhysicalAddress(a.pfn());
            if (m.memory().backing().ramLayout().isPresent()) {
                assertThat(host).as("pfns are the real pfns").isEqualTo(a.phys());
            }
            assertThat(area.release(a)).isTrue();
        }
    }
}

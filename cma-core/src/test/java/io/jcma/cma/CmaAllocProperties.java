package io.jcma.cma;

import io.jcma.cma.kernel.Errno;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.jcma.cma.TestMachines.MiB;
import static io.jcma.cma.TestMachines.early;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random alloc/release sequences against {@link ReferenceCma}: the chosen pfns, the bitmap,
 * used, maxchunk and the available count must agree after every step.
 */
class CmaAllocProperties {

    /** One step: allocate (count, align) or release the live allocation at index pick. */
    record Op(boolean alloc, int count, int align, int pick) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.integers().between(0, 99),
                Arbitraries.integers().between(1, 700),
                Arbitraries.integers().between(0, 12),
                Arbitraries.integers().between(0, 1_000_000))
                .as((kind, count, align, pick) -> new Op(kind < 60, count, align, pick));
        return op.list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 150)
    void allocatorAgreesWithTheReferenceModel(@ForAll("ops") List<Op> ops,
                                              @ForAll @IntRange(min = 0, max = 4) int orderPerBit,
                                              @ForAll @IntRange(min = 1, max = 4) int pageblocks,
                                              @ForAll boolean unalignedBase,
                                              @ForAll @Size(max = 6) List<@IntRange(min = 0, max = 2047) Integer> busy) {
        var e = early(64 * MiB);
        long base = unalignedBase ? 18 * MiB : 16 * MiB; // 18 MiB: not aligned beyond order 9
        long size = pageblocks * 2 * MiB;
        e.memblock().reserve(base, size);
        Cma c = e.areas().initReservedMem(base, size, orderPerBit, "prop");
        Set<Long> busyPfns = new HashSet<>();
        for (int b : busy) {
            busyPfns.add(c.basePfn() + (b % c.count()));
        }
        ReferenceCma ref = new ReferenceCma(c.basePfn(), c.count(), orderPerBit, busyPfns);
        List<CmaAllocation> live = new ArrayList<>();
        try (var a = e.activate(p -> TestMachines.failing(p, busyPfns::contains, Errno.EBUSY))) {
            for (Op op : ops) {
                if (op.alloc() || live.isEmpty()) {
                    long want = ref.alloc(op.count(), op.align());
                    var got = c.alloc(op.count(), op.align(), true);
                    assertThat(got.map(CmaAllocation::pfn).orElse(-1L))
                            .as("pfn for count=%d align=%d opb=%d", op.count(), op.align(), orderPerBit)
                            .isEqualTo(want);
                    got.ifPresent(live::add);
                } else {
                    CmaAllocation x = live.remove(op.pick() % live.size());
                    assertThat(c.release(x)).isTrue();
                    ref.release(x.pfn(), x.count());
                }
                CmaBitmap snapshot = c.bitmap();
                boolean[] bits = new boolean[snapshot.nbits()];
                for (int i = 0; i < bits.length; i++) {
                    bits[i] = snapshot.isAllocated(i);
                }
                assertThat(bits).isEqualTo(ref.bits);
                assertThat(c.used()).isEqualTo(ref.used());
                assertThat(c.maxchunk()).isEqualTo(ref.maxchunk());
                long livePages = live.stream().mapToLong(CmaAllocation::count).sum();
                assertThat(c.availableCount()).isEqualTo(c.count() - livePages);
                assertThat(a.pages().freeCmaPages()).isEqualTo(c.count() - livePages);
            }
        }
    }
}

package io.jcma.cma.mm;

import io.jcma.cma.mm.internal.BuddyInvariants;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The buddy allocator against a tiny reference model: one boolean per page. With movable
 * allocations only (every pageblock stays MOVABLE), a buddy allocator that merges fully must
 * (1) succeed exactly when some aligned block of 2^order free pages lies in a zone, (2) hand out
 * such a block, and (3) keep its free lists equal to the model's free pages cut into maximal
 * aligned blocks of order &lt;= MAX_PAGE_ORDER.
 */
class BuddyDifferentialProperties {
    private static final int PAGES = 16384; // 64 MiB: DMA [0, 4096), DMA32 [4096, 16384)

    /** The reference: free[] and the zone boundaries. */
    static final class Model {
        final boolean[] free = new boolean[PAGES];
        final long[][] zones = {{0, 4096}, {4096, PAGES}};

        Model() {
            java.util.Arrays.fill(free, true);
        }

        boolean allFree(long pfn, int order) {
            for (long p = pfn; p < pfn + (1L << order); p++) {
                if (!free[(int) p]) {
                    return false;
                }
            }
            return true;
        }

        boolean oneZone(long pfn, int order) {
            for (long[] z : zones) {
                if (pfn >= z[0] && pfn + (1L << order) <= z[1]) {
                    return true;
                }
            }
            return false;
        }

        boolean fits(int order, long lo, long hi) {
            for (long p = lo; p + (1L << order) <= hi; p += 1L << order) {
                if (allFree(p, order)) {
                    return true;
                }
            }
            return false;
        }

        /** The free pages cut into maximal aligned buddy blocks: counts per zone and order. */
        long[][] buddyinfo() {
            long[][] out = new long[zones.length][Mm.MAX_PAGE_ORDER + 1];
            for (int zi = 0; zi < zones.length; zi++) {
                for (int o = 0; o <= Mm.MAX_PAGE_ORDER; o++) {
                    for (long p = zones[zi][0]; p < zones[zi][1]; p += 1L << o) {
                        if (!allFree(p, o)) {
                            continue;
                        }
                        long parent = p & -(1L << (o + 1));
                        boolean parentFree = o < Mm.MAX_PAGE_ORDER && oneZone(parent, o + 1) && allFree(parent, o + 1);
                        if (!parentFree) {
                            out[zi][o]++;
                        }
                    }
                }
            }
            return out;
        }
    }

    record Alloc(long pfn, int order) {
    }

    @Property(tries = 60)
    void buddyMatchesTheReferenceModel(@ForAll @Size(min = 1, max = 120) List<@IntRange(min = 0, max = 1 << 20) Integer> ops) {
        try (Machine m = Machine.boot(Platform.builder().mem((long) PAGES << Mm.PAGE_SHIFT).build())) {
            MigratingPageAllocator pa = m.migratingPageAllocator().orElseThrow();
            Model model = new Model();
            List<Alloc> live = new ArrayList<>();
            for (int op : ops) {
                int kind = op & 3;
                if (kind == 3 && !live.isEmpty()) {
                    Alloc a = live.remove((op >>> 2) % live.size());
                    pa.freePages(a.pfn(), a.order());
                    for (long p = a.pfn(); p < a.pfn() + (1L << a.order()); p++) {
                        model.free[(int) p] = true;
                    }
                } else {
                    int order = (op >>> 2) % (Mm.MAX_PAGE_ORDER + 1);
                    boolean dma = ((op >>> 6) & 7) == 0;
                    int gfp = Gfp.MOVABLE | (dma ? Gfp.DMA : 0);
                    boolean possible = dma ? model.fits(order, 0, 4096)
                            : model.fits(order, 0, 4096) || model.fits(order, 4096, PAGES);
                    long pfn = pa.allocPages(order, gfp);
                    assertThat(pfn >= 0).as("order %d dma %s: the model %s a free aligned block", order, dma,
                            possible ? "has" : "has no").isEqualTo(possible);
                    if (pfn >= 0) {
                        assertThat(pfn & ((1L << order) - 1)).isZero();
                        assertThat(model.allFree(pfn, order)).as("pfn %d order %d was free", pfn, order).isTrue();
                        assertThat(model.oneZone(pfn, order)).isTrue();
                        if (dma) {
                            assertThat(pfn).isLessThan(4096);
                        }
                        for (long p = pfn; p < pfn + (1L << order); p++) {
                            model.free[(int) p] = false;
                        }
                        live.add(new Alloc(pfn, order));
                    }
                }
                long[][] expected = model.buddyinfo();
                List<ZoneFreeArea> actual = pa.freeAreas();
                for (int zi = 0; zi < 2; zi++) {
                    for (int o = 0; o <= Mm.MAX_PAGE_ORDER; o++) {
                        assertThat(actual.get(zi).nrFree(o)).as("zone %d order %d", zi, o).isEqualTo(expected[zi][o]);
                    }
                }
            }
            assertThat(BuddyInvariants.check(pa)).isNull();
        }
    }
}

package io.jcma.dma;

import io.jcma.cma.boot.MemRange;
import io.jcma.cma.boot.Platform;
import io.jcma.cma.mm.Gfp;
import io.jcma.cma.mm.Mm;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random allocation and free sequences from devices with 24-, 32- and 64-bit masks on a machine
 * whose default CMA area lies above 4 GiB. Invariants: every buffer satisfies its device's
 * coherent mask, live buffers never overlap, single pages never come from CMA, CMA usage equals
 * the CMA-backed buffers, and everything is back when all is freed.
 */
class CoherentProperties {
    private static Dma dma;
    private static List<Device> devices;

    @BeforeContainer
    static void boot() {
        dma = Dma.boot(Platform.builder().memory(new MemRange(0, 5L << 30, 0)).cmdline("cma=32M").build(),
                DmaOptions.defaults().withDebug(true));
        devices = List.of(dma.newDevice("isa").driver("d").masks(0xff_ffffL).build(),
                dma.newDevice("pci32").driver("d").build(),
                dma.newDevice("pci64").driver("d").masks(-1L).build());
    }

    @AfterContainer
    static void close() {
        dma.machine().close();
    }

    @Provide
    Arbitrary<List<int[]>> ops() {
        Arbitrary<int[]> alloc = Arbitraries.integers().between(0, 2).flatMap(d -> Arbitraries.integers()
                .between(1, 3000).map(kb -> new int[] {d, kb}));
        Arbitrary<int[]> free = Arbitraries.integers().between(0, 30).map(i -> new int[] {-1, i});
        return Arbitraries.oneOf(alloc, alloc, free).list().ofMaxSize(40);
    }

    @Property(tries = 60)
    void buffersAlwaysFitTheirMaskAndNothingLeaks(@ForAll("ops") List<int[]> ops) {
        long freeBefore = dma.machine().pageAllocator().freePages();
        List<DmaBuffer> live = new ArrayList<>();
        for (int[] op : ops) {
            if (op[0] < 0) {
                if (!live.isEmpty()) {
                    DmaBuffer b = live.remove(op[1] % live.size());
                    dma.freeCoherent(b.device(), b.size(), b);
                }
                continue;
            }
            Device dev = devices.get(op[0]);
            long size = op[1] * 1024L;
            var maybe = dma.allocAttrs(dev, size, Gfp.KERNEL, DmaAttrs.NO_WARN);
            if (maybe.isEmpty()) {
                continue;
            }
            DmaBuffer b = maybe.get();
            assertThat(Long.compareUnsigned(b.dmaAddress() + size - 1, dev.coherentDmaMask())).isLessThanOrEqualTo(0);
            if (size <= Mm.PAGE_SIZE) {
                assertThat(b.source()).startsWith("pages:");
            }
            long asize = Mm.alignUp(size, Mm.PAGE_SIZE);
            for (DmaBuffer o : live) {
                long osize = Mm.alignUp(o.size(), Mm.PAGE_SIZE);
                assertThat(b.phys() >= o.phys() + osize || o.phys() >= b.phys() + asize).isTrue();
            }
            live.add(b);
            long cmaPages = live.stream().filter(x -> x.source().startsWith("cma:"))
                    .mapToLong(x -> Mm.alignUp(x.size(), Mm.PAGE_SIZE) >>> Mm.PAGE_SHIFT).sum();
            assertThat(dma.machine().defaultArea().orElseThrow().used()).isEqualTo(cmaPages);
        }
        for (DmaBuffer b : live) {
            dma.freeCoherent(b.device(), b.size(), b);
        }
        assertThat(dma.machine().defaultArea().orElseThrow().used()).isZero();
        assertThat(dma.machine().pageAllocator().freePages()).isEqualTo(freeBefore);
        assertThat(dma.debug().lines()).isEmpty();
    }
}

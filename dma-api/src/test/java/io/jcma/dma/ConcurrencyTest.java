package io.jcma.dma;

import io.jcma.cma.boot.MemRange;
import io.jcma.cma.boot.Platform;
import io.jcma.cma.mm.Gfp;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several drivers allocating, mapping, bouncing and freeing at once: no report, no lost data,
 * and every area, slot and IOVA back afterwards.
 */
class ConcurrencyTest {

    @Test
    void driversUnderContentionLeaveNothingBehind() throws Exception {
        Dma dma = Dma.boot(Platform.builder().memory(new MemRange(0, 512L << 20, 0)).cmdline("cma=32M swiotlb=2048").build(),
                DmaOptions.defaults().withDebug(true));
        try {
            int threads = 4;
            IommuDomain dom = IommuDomain.create(32);
            List<Device> devs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Device.Builder b = dma.newDevice("dev" + t).driver("drv");
                devs.add(t % 2 == 0 ? b.build() : b.iommu(dom).build());
            }
            CyclicBarrier start = new CyclicBarrier(threads);
            ExecutorService ex = Executors.newFixedThreadPool(threads);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Device dev = devs.get(t);
                long seed = t;
                results.add(ex.submit(() -> {
                    Random r = new Random(seed);
                    start.await();
                    int checked = 0;
                    for (int i = 0; i < 150; i++) {
                        long size = 4096L * (1 + r.nextInt(64));
                        DmaBuffer b = dma.allocAttrs(dev, size, Gfp.KERNEL, DmaAttrs.NO_WARN).orElse(null);
                        if (b != null) {
                            byte v = (byte) r.nextInt();
                            b.cpu().fill(v);
                            if (dev.memory().readU8(b.dmaAddress() + size - 1).value() == (v & 0xff)) {
                                checked++;
                            }
                            dma.freeCoherent(dev, size, b);
                        }
                        byte[] heap = new byte[1 + r.nextInt(8000)];
                        long a = dma.mapSingle(dev, MemorySegment.ofArray(heap), DmaDirection.FROM_DEVICE);
                        if (!dma.mappingError(dev, a)) {
                            dev.memory().fill(a, heap.length, (byte) 7);
                            dma.unmapSingle(dev, a, heap.length, DmaDirection.FROM_DEVICE);
                            if (heap[heap.length - 1] == 7) {
                                checked++;
                            }
                        }
                    }
                    return checked;
                }));
            }
            int total = 0;
            for (Future<Integer> f : results) {
                total += f.get();
            }
            ex.shutdown();
            assertThat(total).isEqualTo(threads * 150 * 2);
            assertThat(dma.debug().lines()).isEmpty();
            assertThat(dma.machine().defaultArea().orElseThrow().used()).isZero();
            assertThat(dma.swiotlb().orElseThrow().used()).isZero();
            assertThat(dom.mappedPages()).isZero();
            assertThat(dom.iovaPages()).isZero();
            for (Device d : devs) {
                assertThat(dma.debug().entries(d)).isZero();
            }
        } finally {
            dma.machine().close();
        }
    }
}

package io.jcma.dma;

import io.jcma.cma.mm.Gfp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** bind/unbind and dma_pool_alloc/dma_pool_destroy racing: each transition happens once. */
class BindAndPoolRaceTest {
    private static final int THREADS = 4;
    private Dma dma;
    private ExecutorService ex;

    @BeforeEach
    void boot() {
        dma = ReviewFixture.boot();
        ex = Executors.newFixedThreadPool(THREADS);
    }

    @AfterEach
    void close() {
        ex.shutdownNow();
        dma.machine().close();
    }

    private int race(Runnable action) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        AtomicInteger ok = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            fs.add(ex.submit(() -> {
                start.await();
                try {
                    action.run();
                    ok.incrementAndGet();
                } catch (RuntimeException expected) {
                    // the losers: EBUSY from bind, IllegalStateException from unbind
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        return ok.get();
    }

    @Test
    void exactlyOneBindAndOneUnbindWin() throws Exception {
        Device dev = dma.newDevice("dev0").build();
        for (int round = 0; round < 300; round++) {
            assertThat(race(() -> dma.bind(dev, "drv"))).as("binds winning in round %d", round).isEqualTo(1);
            assertThat(dev.bound()).isTrue();
            dma.allocCoherent(dev, 4096).orElseThrow();
            dma.dmamAllocCoherent(dev, 8192, Gfp.KERNEL).orElseThrow();
            long errors = dma.debug().errorCount();
            assertThat(race(() -> dma.unbind(dev))).as("unbinds winning in round %d", round).isEqualTo(1);
            assertThat(dev.bound()).isFalse();
            // one leak report per unbind; the managed buffer released, the leaked ones kept
            assertThat(dma.debug().errorCount()).as("reports in round %d", round).isEqualTo(errors + 1);
            assertThat(dma.debug().entries(dev)).isEqualTo(round + 1);
        }
    }

    @Test
    void destroyNeverFreesThePageOfABlockHandedOut() throws Exception {
        Device dev = dma.newDevice("dev0").driver("drv").build();
        int allocators = THREADS - 1;
        for (int round = 0; round < 300; round++) {
            String name = "pool" + round;
            int base = dma.debug().entries(dev);
            DmaPool pool = dma.poolCreate(name, dev, 64, 8, 0).orElseThrow();
            pool.free(pool.alloc(Gfp.KERNEL).orElseThrow());
            CyclicBarrier start = new CyclicBarrier(allocators + 1);
            List<Future<Integer>> fs = new ArrayList<>();
            for (int t = 0; t < allocators; t++) {
                fs.add(ex.submit(() -> {
                    int got = 0;
                    start.await();
                    try {
                        // contending allocators make the destroy slip in between lock sections
                        while (got < 100) {
                            pool.alloc(Gfp.KERNEL).orElseThrow();
                            got++;
                        }
                    } catch (IllegalStateException destroyed) {
                        // the pool went away under us
                    }
                    return got;
                }));
            }
            start.await();
            pool.destroy();
            int got = 0;
            for (Future<Integer> f : fs) {
                got += f.get();
            }
            boolean busy = dma.machine().log().lines().contains("drv dev0: dma_pool_destroy " + name + " busy");
            if (got > 0) {
                assertThat(busy).as("round %d: %d blocks handed out, destroy must keep their pages", round, got).isTrue();
            } else {
                assertThat(busy).isFalse();
                assertThat(dma.debug().entries(dev)).as("round %d: no page left behind", round).isEqualTo(base);
            }
        }
    }
}

package io.jcma.dma;

import io.jcma.cma.Cma;
import io.jcma.cma.boot.MemRange;
import io.jcma.cma.boot.Platform;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void aPageAllocatedForAPoolDestroyedMeanwhileIsGivenBack() {
        Dma small = Dma.boot(Platform.builder()
                .memory(new MemRange(0, 256L << 20, 0)).cmdline("cma=1M").build(),
                DmaOptions.defaults().withDebug(true));
        try {
            Device dev = small.newDevice("dev0").driver("drv").build();
            // with the CMA area full, a two-page pool page fails there first and logs it: the
            // destroy is made to happen then, between the page allocation and its use
            Cma area = small.machine().defaultArea().orElseThrow();
            small.allocCoherent(dev, area.availableCount() << 12).orElseThrow();
            assertThat(area.availableCount()).isZero();
            DmaPool pool = small.poolCreate("late", dev, 8192, 8, 0).orElseThrow();
            int base = small.debug().entries(dev);
            AtomicBoolean armed = new AtomicBoolean(true);
            small.machine().log().addListener(e -> {
                if (e.text().contains("alloc failed") && armed.getAndSet(false)) {
                    pool.destroy();
                }
            });
            assertThatThrownBy(() -> pool.alloc(Gfp.KERNEL))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("pool=late is destroyed");
            assertThat(armed).as("log: %s", small.machine().log().lines()).isFalse();
            assertThat(small.debug().entries(dev)).as("the page went back").isEqualTo(base);
            assertThat(pool.pages()).isZero();
        } finally {
            small.machine().close();
        }
    }
}

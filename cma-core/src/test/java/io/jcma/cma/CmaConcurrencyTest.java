package io.jcma.cma;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static io.jcma.cma.TestMachines.MiB;
import static io.jcma.cma.TestMachines.early;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several threads allocating and releasing on one area for seconds: no two live allocations
 * may ever share a page, and every counter must add up afterwards.
 */
class CmaConcurrencyTest {

    @ParameterizedTest(name = "buddy={0}")
    @ValueSource(booleans = {false, true})
    void contendedAllocAndReleaseNeverOverlapAndCountersAddUp(boolean buddy) throws Exception {
        var e = early(256 * MiB);
        Cma c = e.areas().declareContiguous(64 * MiB, 32 * MiB, 0, 0, 0, true, "reserved");
        int threads = 4;
        AtomicIntegerArray owner = new AtomicIntegerArray((int) c.count());
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicLong successes = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        CountDownLatch done = new CountDownLatch(threads);
        try (var a = e.activate(buddy, p -> p)) {
            long freeBefore = a.pages().freePages();
            for (int t = 1; t <= threads; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    Random rnd = new Random(id);
                    List<CmaAllocation> mine = new ArrayList<>();
                    try {
                        while (System.nanoTime() < deadline) {
                            if (mine.isEmpty() || rnd.nextInt(100) < 55) {
                                var got = c.alloc(1 + rnd.nextInt(512), rnd.nextInt(5), true);
                                if (got.isEmpty()) {
                                    failures.incrementAndGet();
                                    continue;
                                }
                                successes.incrementAndGet();
                                CmaAllocation x = got.get();
                                for (long p = x.pfn(); p < x.endPfn(); p++) {
                                    int prev = owner.compareAndExchange((int) (p - c.basePfn()), 0, id);
                                    if (prev != 0) {
                                        violations.add("pfn " + p + " given to thread " + id + " while thread " + prev + " holds it");
                                    }
                                }
                                mine.add(x);
                            } else {
                                CmaAllocation x = mine.remove(rnd.nextInt(mine.size()));
                                for (long p = x.pfn(); p < x.endPfn(); p++) {
                                    owner.set((int) (p - c.basePfn()), 0);
                                }
                                if (!c.release(x)) {
                                    violations.add("release refused " + x);
                                }
                            }
                        }
                        for (CmaAllocation x : mine) {
                            for (long p = x.pfn(); p < x.endPfn(); p++) {
                                owner.set((int) (p - c.basePfn()), 0);
                            }
                            c.release(x);
                        }
                    } catch (Throwable ex) {
                        violations.add(ex.toString());
                    } finally {
                        done.countDown();
                    }
                }, "cma-stress-" + id);
                th.start();
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(violations).isEmpty();
            assertThat(successes.get()).isGreaterThan(1000);
            CmaMetrics m = c.metrics();
            assertThat(m.used()).isZero();
            assertThat(m.liveAllocations()).isZero();
            assertThat(m.availableCount()).isEqualTo(c.count());
            assertThat(m.maxchunk()).isEqualTo(c.count());
            assertThat(m.allocSuccess()).isEqualTo(successes.get());
            assertThat(m.allocFail()).isEqualTo(failures.get());
            assertThat(m.allocPagesSuccess()).isEqualTo(m.releasePagesSuccess());
            assertThat(e.areas().vmCmaAllocSuccess()).isEqualTo(successes.get());
            assertThat(e.areas().vmCmaAllocFail()).isEqualTo(failures.get());
            assertThat(a.pages().freePages()).isEqualTo(freeBefore);
            assertThat(a.pages().freeCmaPages()).isEqualTo(c.count());
        }
    }
}

package io.jcma.cma.mm;

import io.jcma.cma.mm.internal.BuddyInvariants;
import io.jcma.cma.Cma;
import io.jcma.cma.CmaAllocation;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Threads allocate and free pages and movable regions, pin and unpin, and read their regions
 * back while another thread runs cma_alloc/cma_release, which migrates those regions under
 * them. Afterwards the allocator's invariants hold and no reader ever saw wrong bytes.
 */
class BuddyContentionTest {

    @Test
    void concurrentUsersAndCmaKeepEveryInvariant() throws Exception {
        try (Machine m = Machine.boot(Platform.builder().mem(128L << 20).cmdline("cma=80M").build())) {
            MigratingPageAllocator pa = m.migratingPageAllocator().orElseThrow();
            Cma area = m.cma().byName("reserved").orElseThrow();
            int users = 3;
            CountDownLatch start = new CountDownLatch(1);
            CountDownLatch usersReady = new CountDownLatch(users);
            CountDownLatch migrated = new CountDownLatch(1);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicLong reads = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < users; t++) {
                long seed = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        user(pa, seed, reads, usersReady, migrated);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    usersReady.await();
                    // Phase 1: the whole area, while the users only read: every lent page migrates.
                    try {
                        area.alloc(area.count(), 0, true).ifPresent(area::release);
                    } finally {
                        migrated.countDown();
                    }
                    SplittableRandom rnd = new SplittableRandom(99);
                    List<CmaAllocation> held = new ArrayList<>();
                    for (int i = 0; i < 60; i++) {
                        if (held.size() < 3 && rnd.nextBoolean()) {
                            Optional<CmaAllocation> a = area.alloc(1 + rnd.nextInt(4096), rnd.nextInt(10), true);
                            a.ifPresent(held::add);
                        } else if (!held.isEmpty()) {
                            area.release(held.remove(rnd.nextInt(held.size())));
                        }
                    }
                    held.forEach(area::release);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
            start.countDown();
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(120));
                assertThat(t.isAlive()).isFalse();
            }
            assertThat(failures).isEmpty();
            assertThat(reads.get()).isPositive();
            assertThat(area.metrics().pagesMigrated()).as("cma_alloc migrated under the users").isPositive();
            assertThat(BuddyInvariants.check(pa)).isNull();
            assertThat(pa.freePages()).isEqualTo(pa.managedPages());
        }
    }

    private static void user(MigratingPageAllocator pa, long seed, AtomicLong reads, CountDownLatch ready,
                             CountDownLatch migrated) throws InterruptedException {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<MovableRegion> regions = new ArrayList<>();
        List<long[]> expect = new ArrayList<>();
        List<long[]> pages = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            MovableRegion r = pa.allocMovable(64).orElseThrow();
            long[] values = new long[64];
            for (int p = 0; p < values.length; p++) {
                values[p] = rnd.nextLong();
                r.putLong(Mm.pfnPhys(p) + 512, values[p]);
            }
            regions.add(r);
            expect.add(values);
        }
        ready.countDown();
        while (!migrated.await(0, TimeUnit.MILLISECONDS)) {
            int k = rnd.nextInt(regions.size());
            check(regions.get(k), expect.get(k));
            reads.incrementAndGet();
        }
        for (int i = 0; i < 3000; i++) {
            int op = rnd.nextInt(6);
            if (op == 0 && regions.size() < 40) {
                Optional<MovableRegion> r = pa.allocMovable(1 + rnd.nextInt(64));
                if (r.isPresent()) {
                    long[] values = new long[(int) r.get().pages()];
                    for (int p = 0; p < values.length; p++) {
                        values[p] = rnd.nextLong();
                        r.get().putLong(Mm.pfnPhys(p) + 512, values[p]);
                    }
                    regions.add(r.get());
                    expect.add(values);
                }
            } else if (op == 1 && !regions.isEmpty()) {
                int k = rnd.nextInt(regions.size());
                MovableRegion r = regions.remove(k);
                long[] values = expect.remove(k);
                check(r, values);
                while (r.pinned()) {
                    r.unpin();
                }
                r.free();
            } else if (op == 2 && !regions.isEmpty()) {
                MovableRegion r = regions.get(rnd.nextInt(regions.size()));
                if (r.pinned()) {
                    r.unpin();
                } else {
                    r.pin();
                }
            } else if (op == 3) {
                int order = rnd.nextInt(4);
                long pfn = pa.allocPages(order, rnd.nextBoolean() ? Gfp.KERNEL : Gfp.RECLAIMABLE);
                if (pfn >= 0) {
                    pages.add(new long[] {pfn, order});
                }
            } else if (op == 4 && !pages.isEmpty()) {
                long[] p = pages.remove(rnd.nextInt(pages.size()));
                pa.freePages(p[0], (int) p[1]);
            } else if (!regions.isEmpty()) {
                int k = rnd.nextInt(regions.size());
                check(regions.get(k), expect.get(k));
                reads.incrementAndGet();
            }
        }
        for (int k = 0; k < regions.size(); k++) {
            check(regions.get(k), expect.get(k));
            while (regions.get(k).pinned()) {
                regions.get(k).unpin();
            }
            regions.get(k).free();
        }
        for (long[] p : pages) {
            pa.freePages(p[0], (int) p[1]);
        }
    }

    private static void check(MovableRegion r, long[] values) {
        for (int p = 0; p < values.length; p++) {
            long v = r.getLong(Mm.pfnPhys(p) + 512);
            if (v != values[p]) {
                throw new AssertionError(r + " page " + p + " reads " + Long.toHexString(v) + ", wrote "
                        + Long.toHexString(values[p]));
            }
        }
    }
}

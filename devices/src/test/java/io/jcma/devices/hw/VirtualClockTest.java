package io.jcma.devices.hw;

import io.jcma.devices.testing.Await;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Time that moves only when the test moves it. */
class VirtualClockTest {
    private final VirtualClock clock = Clock.virtual();

    private Thread sleeper(long deadline, List<Long> wokeAt) {
        return Await.start(() -> {
            clock.sleepUntil(deadline);
            synchronized (wokeAt) {
                wokeAt.add(clock.nanoTime());
            }
        });
    }

    @Test
    void timeStandsStillUntilAdvanced() {
        assertThat(clock.nanoTime()).isZero();
        assertThat(clock.isVirtual()).isTrue();
        clock.advance(250);
        assertThat(clock.nanoTime()).isEqualTo(250);
    }

    @Test
    void aSleeperWakesOnlyWhenTimeReachesItsDeadline() throws InterruptedException {
        List<Long> woke = new ArrayList<>();
        Thread t = sleeper(1_000, woke);
        Await.until("the sleeper waits", () -> clock.waiters() == 1);
        clock.advance(999);
        assertThat(clock.waiters()).isEqualTo(1);
        assertThat(t.isAlive()).isTrue();
        clock.advance(1);
        assertThat(clock.waiters()).isZero();
        Await.join(t);
        assertThat(woke).containsExactly(1_000L);
    }

    @Test
    void aDeadlineInThePastReturnsAtOnce() throws InterruptedException {
        clock.advance(10);
        clock.sleepUntil(5);
        clock.sleep(0);
        assertThat(clock.waiters()).isZero();
    }

    @Test
    void advanceToNextDeadlineMovesToTheEarliestOne() throws InterruptedException {
        List<Long> woke = new ArrayList<>();
        Thread a = sleeper(300, woke);
        Thread b = sleeper(100, woke);
        Await.until("both sleepers wait", () -> clock.waiters() == 2);
        assertThat(clock.advanceToNextDeadline()).isTrue();
        assertThat(clock.nanoTime()).isEqualTo(100);
        Await.join(b);
        assertThat(clock.waiters()).isEqualTo(1);
        assertThat(clock.advanceToNextDeadline()).isTrue();
        assertThat(clock.nanoTime()).isEqualTo(300);
        Await.join(a);
        assertThat(woke).containsExactly(100L, 300L);
        assertThat(clock.advanceToNextDeadline()).isFalse();
        assertThat(clock.nanoTime()).isEqualTo(300);
    }

    @Test
    void awaitUntilReturnsTrueWhenTheDeadlinePassesAndFalseWhenNotified() throws InterruptedException {
        Object monitor = new Object();
        AtomicReference<Boolean> result = new AtomicReference<>();
        Await.Body await50 = () -> {
            synchronized (monitor) {
                result.set(clock.awaitUntil(monitor, 50));
            }
        };
        Thread t = Await.start(await50);
        Await.until("the waiter waits", () -> clock.waiters() == 1);
        synchronized (monitor) {
            monitor.notifyAll();
        }
        Await.join(t);
        assertThat(result.get()).isFalse();
        assertThat(clock.waiters()).isZero();

        t = Await.start(await50);
        Await.until("the waiter waits again", () -> clock.waiters() == 1);
        clock.advance(50);
        Await.join(t);
        assertThat(result.get()).isTrue();
    }

    @Test
    void awaitUntilNeedsTheMonitor() {
        assertThatThrownBy(() -> clock.awaitUntil(new Object(), 10)).isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    void anInterruptedSleeperLeavesNoWaiterBehind() throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                clock.sleepUntil(1_000);
            } catch (InterruptedException e) {
                thrown.set(e);
            }
        });
        t.start();
        Await.until("the sleeper waits", () -> clock.waiters() == 1);
        t.interrupt();
        Await.join(t);
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(clock.waiters()).isZero();
    }

    @Test
    void advanceRefusesNegativeTime() {
        assertThatThrownBy(() -> clock.advance(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nanos: -1 (expected: >= 0)");
    }

    @Test
    void aSleepPastTheEndOfTimeSaturates() {
        clock.advance(10);
        assertThat(clock.deadline(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(clock.deadline(5)).isEqualTo(15);
    }

    /**
     * Many threads sleep to random deadlines, again and again, while the test thread moves time
     * to the next deadline as fast as it can: every sleep ends (no lost wake-up) and none ends
     * early.
     */
    @Test
    void noWakeUpIsLostUnderContention() throws InterruptedException {
        int threads = 8;
        int rounds = 300;
        AtomicInteger done = new AtomicInteger();
        ConcurrentLinkedQueue<String> early = new ConcurrentLinkedQueue<>();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Object shared = i % 2 == 0 ? new Object() : ts;
            Thread t = new Thread(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                try {
                    for (int r = 0; r < rounds; r++) {
                        long deadline = clock.nanoTime() + 1 + rnd.nextInt(50);
                        if (rnd.nextBoolean()) {
                            clock.sleepUntil(deadline);
                        } else {
                            synchronized (shared) {
                                while (!clock.awaitUntil(shared, deadline)) {
                                    // woken by another thread on the same monitor: wait on
                                }
                            }
                        }
                        if (clock.nanoTime() < deadline) {
                            early.add("woke at " + clock.nanoTime() + " before " + deadline);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                done.incrementAndGet();
            });
            ts.add(t);
            t.start();
        }
        long end = System.nanoTime() + 60_000_000_000L;
        while (done.get() < threads && System.nanoTime() < end) {
            if (!clock.advanceToNextDeadline()) {
                Thread.yield();
            }
        }
        for (Thread t : ts) {
            Await.join(t);
        }
        assertThat(done).hasValue(threads);
        assertThat(early).isEmpty();
        assertThat(clock.waiters()).isZero();
    }
}

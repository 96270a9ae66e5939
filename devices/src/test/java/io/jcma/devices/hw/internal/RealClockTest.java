package io.jcma.devices.hw.internal;

import io.jcma.devices.hw.Clock;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The host's clock, from the board's boot. */
class RealClockTest {
    private final Clock clock = Clock.real();

    @Test
    void timeStartsNearZeroAndNeverGoesBack() {
        long a = clock.nanoTime();
        long b = clock.nanoTime();
        assertThat(a).isGreaterThanOrEqualTo(0);
        assertThat(b).isGreaterThanOrEqualTo(a);
        assertThat(clock.isVirtual()).isFalse();
    }

    @Test
    void sleepUntilReturnsOnlyOnceTheDeadlineHasPassed() throws InterruptedException {
        long deadline = clock.nanoTime() + 2_000_000;
        clock.sleepUntil(deadline);
        assertThat(clock.nanoTime()).isGreaterThanOrEqualTo(deadline);
    }

    @Test
    void awaitUntilReportsAPassedDeadline() throws InterruptedException {
        Object m = new Object();
        synchronized (m) {
            long deadline = clock.nanoTime() + 1_000_000;
            boolean passed = false;
            while (!passed) {
                passed = clock.awaitUntil(m, deadline);
            }
            assertThat(clock.nanoTime()).isGreaterThanOrEqualTo(deadline);
            assertThat(clock.awaitUntil(m, 0)).isTrue();
        }
    }

    @Test
    void awaitUntilNeedsTheMonitorEvenForAPastDeadline() {
        assertThatThrownBy(() -> clock.awaitUntil(new Object(), 0)).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(() -> clock.awaitUntil(new Object(), Long.MAX_VALUE))
                .isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    void anInterruptedSleepThrows() throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                clock.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                thrown.set(e);
            }
        });
        t.start();
        t.interrupt();
        t.join(20_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    }
}

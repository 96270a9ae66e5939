package io.jcma.devices.drivers;

import io.jcma.devices.hw.Clock;
import io.jcma.devices.hw.VirtualClock;
import io.jcma.devices.testing.Await;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** struct completion, timed by a virtual clock. */
class CompletionTest {
    private final VirtualClock clock = Clock.virtual();
    private final Completion done = Completion.create(clock);

    @Test
    void eachCompleteLetsOneWaitPass() throws InterruptedException {
        assertThat(done.completionDone()).isFalse();
        assertThat(done.tryWaitForCompletion()).isFalse();
        done.complete();
        done.complete();
        done.waitForCompletion();
        assertThat(done.tryWaitForCompletion()).isTrue();
        assertThat(done.tryWaitForCompletion()).isFalse();
    }

    @Test
    void completeAllLetsEveryWaitPassUntilReinit() throws InterruptedException {
        done.completeAll();
        for (int i = 0; i < 5; i++) {
            done.waitForCompletion();
        }
        assertThat(done.completionDone()).isTrue();
        done.reinit();
        assertThat(done.completionDone()).isFalse();
    }

    @Test
    void aTimeoutExpiresOnlyWhenTheClockGetsThere() throws InterruptedException {
        AtomicLong left = new AtomicLong(-1);
        Thread t = Await.start(() -> left.set(done.waitForCompletionTimeout(1_000)));
        Await.until("the waiter waits", () -> clock.waiters() == 1);
        clock.advance(999);
        assertThat(t.isAlive()).isTrue();
        clock.advance(1);
        Await.join(t);
        assertThat(left).hasValue(0);
    }

    @Test
    void aCompletionBeforeTheTimeoutReturnsTheTimeLeft() throws InterruptedException {
        AtomicLong left = new AtomicLong(-1);
        Thread t = Await.start(() -> left.set(done.waitForCompletionTimeout(1_000)));
        Await.until("the waiter waits", () -> clock.waiters() == 1);
        clock.advance(400);
        done.complete();
        Await.join(t);
        assertThat(left).hasValue(600);
    }

    @Test
    void aCompletionAtTheDeadlineStillReportsAtLeastOne() throws InterruptedException {
        done.complete();
        assertThat(done.waitForCompletionTimeout(0)).isEqualTo(1);
        assertThat(done.waitForCompletionTimeout(0)).isZero();
    }

    @Test
    void anEndlessTimeoutDoesNotOverflow() throws InterruptedException {
        clock.advance(5);
        done.complete();
        assertThat(done.waitForCompletionTimeout(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE - 5);
    }

    @Test
    void aNegativeTimeoutIsRefused() {
        assertThatThrownBy(() -> done.waitForCompletionTimeout(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeoutNanos: -1 (expected: >= 0)");
    }

    @Test
    void aCompletionNeedsAClock() {
        assertThatThrownBy(() -> Completion.create(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anInterruptedWaitThrows() throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                done.waitForCompletionTimeout(1_000);
            } catch (InterruptedException e) {
                thrown.set(e);
            }
        });
        t.start();
        Await.until("the waiter waits", () -> clock.waiters() == 1);
        t.interrupt();
        Await.join(t);
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    }
}

package io.jcma.devices.hw.internal;

import io.jcma.devices.hw.Clock;
import io.jcma.devices.hw.DeviceThread;
import io.jcma.devices.hw.VirtualClock;
import io.jcma.devices.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A model's own thread: kick, run until no work, stop, and model bugs caught at the top. */
class DeviceThreadImplTest {
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private DeviceThreadImpl thread;

    @AfterEach
    void stop() {
        if (thread != null) {
            thread.stop();
        }
    }

    @Test
    void nothingRunsBeforeAKick() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        thread = DeviceThreadImpl.start("dev0", () -> {
            runs.incrementAndGet();
            return false;
        }, errors::add);
        Thread.sleep(20);
        assertThat(runs).hasValue(0);
        thread.kick();
        Await.until("one run", () -> runs.get() == 1);
    }

    @Test
    void theWorkRunsUntilItSaysNothingIsLeft() {
        AtomicInteger left = new AtomicInteger(5);
        AtomicInteger runs = new AtomicInteger();
        thread = DeviceThreadImpl.start("dev0", () -> {
            runs.incrementAndGet();
            return left.decrementAndGet() > 0;
        }, errors::add);
        thread.kick();
        Await.until("five runs", () -> runs.get() == 5);
        assertThat(left).hasValue(0);
    }

    @Test
    void aKickWhileTheWorkRunsRunsItOnceMore() throws InterruptedException {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        thread = DeviceThreadImpl.start("dev0", () -> {
            if (runs.incrementAndGet() == 1) {
                inside.countDown();
                release.await();
            }
            return false;
        }, errors::add);
        thread.kick();
        inside.await();
        thread.kick();
        thread.kick();
        release.countDown();
        Await.until("the second run", () -> runs.get() == 2);
        Thread.sleep(20);
        assertThat(runs).hasValue(2);
    }

    @Test
    void stopInterruptsAWaitingWorkAndWaitsForIt() {
        VirtualClock clock = Clock.virtual();
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicInteger runs = new AtomicInteger();
        thread = DeviceThreadImpl.start("dev0", () -> {
            runs.incrementAndGet();
            try {
                clock.sleep(1_000);
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
            return false;
        }, errors::add);
        thread.kick();
        Await.until("the work sleeps", () -> clock.waiters() == 1);
        thread.stop();
        assertThat(interrupted).isTrue();
        thread.kick();
        clock.advance(1_000);
        assertThat(runs).hasValue(1);
        assertThat(errors).isEmpty();
        assertThat(thread.bugs()).isZero();
    }

    @Test
    void afterStopReturnsTheWorkNeverRunsAgain() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean();
        thread = DeviceThreadImpl.start("dev0", () -> {
            running.set(true);
            runs.incrementAndGet();
            Thread.onSpinWait();
            running.set(false);
            return true;
        }, errors::add);
        thread.kick();
        Await.until("the work runs", () -> runs.get() > 100);
        thread.stop();
        int after = runs.get();
        assertThat(running).isFalse();
        thread.kick();
        Thread.sleep(20);
        assertThat(runs).hasValue(after);
    }

    @Test
    void stopIsIdempotent() {
        thread = DeviceThreadImpl.start("dev0", () -> false, errors::add);
        thread.stop();
        thread.stop();
        assertThat(errors).isEmpty();
    }

    @Test
    void aWorkThatStopsItsOwnThreadDoesNotDeadlock() {
        AtomicReference<DeviceThread> self = new AtomicReference<>();
        AtomicInteger runs = new AtomicInteger();
        thread = DeviceThreadImpl.start("dev0", () -> {
            runs.incrementAndGet();
            assertThat(self.get().isCurrent()).isTrue();
            self.get().stop();
            return true;
        }, errors::add);
        self.set(thread);
        thread.kick();
        Await.until("the work ran", () -> runs.get() == 1);
        thread.stop();
        assertThat(runs).hasValue(1);
        assertThat(thread.isCurrent()).isFalse();
    }

    @Test
    void anExceptionInTheWorkIsAModelBugAndTheThreadStaysUsable() {
        AtomicInteger runs = new AtomicInteger();
        thread = DeviceThreadImpl.start("dev0", () -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("descriptor ring broken");
            }
            return false;
        }, errors::add);
        thread.kick();
        Await.until("the bug is counted", () -> thread.bugs() == 1);
        assertThat(errors.getFirst())
                .isEqualTo("dev0: model bug in the device thread: java.lang.IllegalStateException: descriptor ring broken");
        assertThat(errors.get(1)).startsWith("    at io.jcma.devices.hw.internal.DeviceThreadImplTest");
        thread.kick();
        Await.until("the second run", () -> runs.get() == 2);
        assertThat(thread.bugs()).isEqualTo(1);
    }

    @Test
    void anErrorInTheWorkDoesNotKillTheThreadEither() {
        AtomicInteger runs = new AtomicInteger();
        thread = DeviceThreadImpl.start("dev0", () -> {
            if (runs.incrementAndGet() == 1) {
                throw new AssertionError("invariant");
            }
            return false;
        }, errors::add);
        thread.kick();
        Await.until("the bug is counted", () -> thread.bugs() == 1);
        thread.kick();
        Await.until("the second run", () -> runs.get() == 2);
    }

    @Test
    void aThreadNeedsANameAndWork() {
        assertThatThrownBy(() -> DeviceThreadImpl.start("", () -> false, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeviceThreadImpl.start("x", null, null)).isInstanceOf(IllegalArgumentException.class);
    }
}

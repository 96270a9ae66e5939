package io.jcma.devices.drivers;

import io.jcma.devices.hw.Clock;

/**
 * struct completion (kernel/sched/completion.c), timed by the board's {@link Clock} so that a
 * timeout on a {@link io.jcma.devices.hw.VirtualClock} expires only when the test moves time.
 */
public final class Completion {
    private final Clock clock;
    private int done;

    private Completion(Clock clock) {
        this.clock = clock;
    }

    /** init_completion(). */
    public static Completion create(Clock clock) {
        if (clock == null) {
            throw new IllegalArgumentException("clock: null");
        }
        return new Completion(clock);
    }

    /** complete(): wakes one waiter (or lets the next wait pass). */
    public synchronized void complete() {
        if (done != Integer.MAX_VALUE) {
            done++;
        }
        notifyAll();
    }

    /** complete_all(): every wait passes until {@link #reinit()}. */
    public synchronized void completeAll() {
        done = Integer.MAX_VALUE;
        notifyAll();
    }

    /** reinit_completion(). */
    public synchronized void reinit() {
        done = 0;
    }

    /** completion_done(): whether a wait would pass now. */
    public synchronized boolean completionDone() {
        return done != 0;
    }

    /** try_wait_for_completion(): takes a completion without waiting, if there is one. */
    public synchronized boolean tryWaitForCompletion() {
        if (done == 0) {
            return false;
        }
        consume();
        return true;
    }

    /** wait_for_completion_interruptible(): waits with no timeout. */
    public synchronized void waitForCompletion() throws InterruptedException {
        while (done == 0) {
            wait();
        }
        consume();
    }

    /**
     * wait_for_completion_interruptible_timeout(): the time left (at least 1) if completed, 0 on
     * timeout.
     *
     * @throws IllegalArgumentException if {@code timeoutNanos} is negative
     * @throws InterruptedException     if interrupted while waiting (-ERESTARTSYS)
     */
    public synchronized long waitForCompletionTimeout(long timeoutNanos) throws InterruptedException {
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException("timeoutNanos: " + timeoutNanos + " (expected: >= 0)");
        }
        long deadline = clock.deadline(timeoutNanos);
        while (done == 0) {
            if (clock.awaitUntil(this, deadline) && done == 0) {
                return 0;
            }
        }
        consume();
        return Math.max(1, deadline - clock.nanoTime());
    }

    private void consume() {
        if (done != Integer.MAX_VALUE) {
            done--;
        }
    }
}

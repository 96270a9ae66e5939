package io.jcma.devices.hw.internal;

import io.jcma.devices.hw.VirtualClock;

import java.util.ArrayList;
import java.util.List;

/**
 * Time that moves only in {@link #advance}. A waiter registers its monitor and deadline under
 * the clock's lock while it holds its monitor, then waits on the monitor; advance takes the
 * waiters it releases off the list under the clock's lock and notifies their monitors after
 * dropping it. The lock order is always monitor, then clock, and no wake-up is lost: the
 * advancing thread can notify a monitor only once its waiter is inside {@code wait()}.
 */
public final class VirtualClockImpl implements VirtualClock {
    /** One waiting thread; compared by identity, two threads may wait alike. */
    private static final class Waiter {
        final Object monitor;
        final long deadline;

        Waiter(Object monitor, long deadline) {
            this.monitor = monitor;
            this.deadline = deadline;
        }
    }

    private final Object lock = new Object();
    private final List<Waiter> waiters = new ArrayList<>();
    private long now;

    @Override
    public long nanoTime() {
        synchronized (lock) {
            return now;
        }
    }

    @Override
    public void sleepUntil(long deadline) throws InterruptedException {
        Object self = new Object();
        synchronized (self) {
            boolean due;
            do {
                due = awaitUntil(self, deadline);
            } while (!due);
        }
    }

    @Override
    public boolean awaitUntil(Object monitor, long deadline) throws InterruptedException {
        if (!Thread.holdsLock(monitor)) {
            throw new IllegalMonitorStateException("awaitUntil: the caller does not hold the monitor");
        }
        Waiter w = new Waiter(monitor, deadline);
        synchronized (lock) {
            if (now >= deadline) {
                return true;
            }
            waiters.add(w);
        }
        try {
            monitor.wait();
        } finally {
            synchronized (lock) {
                waiters.remove(w);
            }
        }
        return nanoTime() >= deadline;
    }

    @Override
    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("nanos: " + nanos + " (expected: >= 0)");
        }
        List<Waiter> due;
        synchronized (lock) {
            now = Math.addExact(now, nanos);
            due = takeDue();
        }
        wake(due);
    }

    @Override
    public boolean advanceToNextDeadline() {
        List<Waiter> due;
        synchronized (lock) {
            long next = Long.MAX_VALUE;
            for (Waiter w : waiters) {
                next = Math.min(next, w.deadline);
            }
            if (waiters.isEmpty()) {
                return false;
            }
            now = Math.max(now, next);
            due = takeDue();
        }
        wake(due);
        return true;
    }

    /** Removes and returns the waiters whose deadline has come, earliest first. */
    private List<Waiter> takeDue() {
        List<Waiter> due = new ArrayList<>();
        for (Waiter w : waiters) {
            if (w.deadline <= now) {
                due.add(w);
            }
        }
        waiters.removeAll(due);
        due.sort((a, b) -> Long.compare(a.deadline, b.deadline));
        return due;
    }

    private static void wake(List<Waiter> due) {
        for (Waiter w : due) {
            synchronized (w.monitor) {
                w.monitor.notifyAll();
            }
        }
    }

    @Override
    public int waiters() {
        synchronized (lock) {
            return waiters.size();
        }
    }

    @Override
    public boolean isVirtual() {
        return true;
    }
}

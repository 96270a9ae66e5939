package io.jcma.devices.hw.internal;

import io.jcma.devices.hw.VirtualClock;

import java.util.ArrayList;
import java.util.List;

/**
 * Time that moves only in {@link #advance}. A waiter registers its monitor and deadline, then
 * waits on its own monitor; advance collects the waiters it released under the clock's lock and
 * notifies their monitors after dropping it, so the order is always monitor, then clock.
 */
public final class VirtualClockImpl implements VirtualClock {
    private record Waiter(Object monitor, long deadline) {
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
            while (!awaitUntil(self, deadline)) {
                // woken early only by a spurious wake-up: wait on
            }
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
            due = due();
        }
        wake(due);
    }

    @Override
    public boolean advanceToNextDeadline() {
        List<Waiter> due;
        synchronized (lock) {
            long next = Long.MAX_VALUE;
            for (Waiter w : waiters) {
                if (w.deadline > now) {
                    next = Math.min(next, w.deadline);
                }
            }
            if (next == Long.MAX_VALUE) {
                return false;
            }
            now = next;
            due = due();
        }
        wake(due);
        return true;
    }

    private List<Waiter> due() {
        List<Waiter> due = new ArrayList<>();
        for (Waiter w : waiters) {
            if (w.deadline <= now) {
                due.add(w);
            }
        }
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

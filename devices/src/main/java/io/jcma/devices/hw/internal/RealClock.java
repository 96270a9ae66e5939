package io.jcma.devices.hw.internal;

import io.jcma.devices.hw.Clock;

import java.util.concurrent.locks.LockSupport;

/** The host's monotonic clock, counted from the board's boot. */
public final class RealClock implements Clock {
    private final long base = System.nanoTime();

    @Override
    public long nanoTime() {
        return System.nanoTime() - base;
    }

    @Override
    public void sleepUntil(long deadline) throws InterruptedException {
        for (long left = deadline - nanoTime(); left > 0; left = deadline - nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException("sleep until " + deadline + " ns");
            }
        }
    }

    @Override
    public boolean awaitUntil(Object monitor, long deadline) throws InterruptedException {
        long left = deadline - nanoTime();
        if (left > 0) {
            monitor.wait(left / 1_000_000, (int) (left % 1_000_000));
        } else if (!Thread.holdsLock(monitor)) {
            throw new IllegalMonitorStateException("awaitUntil: the caller does not hold the monitor");
        }
        return nanoTime() >= deadline;
    }

    @Override
    public boolean isVirtual() {
        return false;
    }
}

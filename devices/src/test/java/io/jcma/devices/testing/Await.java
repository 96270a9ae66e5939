package io.jcma.devices.testing;

import java.util.function.BooleanSupplier;

/** Waits for another thread's effect; the bound only keeps a broken build from hanging. */
public final class Await {
    private static final long LIMIT_NANOS = 20_000_000_000L;

    private Await() {
    }

    /**
     * Returns once {@code condition} holds.
     *
     * @throws AssertionError naming {@code what} if it does not hold within 20 s
     */
    public static void until(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + LIMIT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** What a started thread runs: may wait, and ends quietly when interrupted. */
    @FunctionalInterface
    public interface Body {
        void run() throws InterruptedException;
    }

    /** Starts a thread running {@code body}. */
    public static Thread start(Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        return t;
    }

    /** Joins {@code t}, failing if it does not end within 20 s. */
    public static void join(Thread t) throws InterruptedException {
        t.join(LIMIT_NANOS / 1_000_000);
        if (t.isAlive()) {
            throw new AssertionError("thread " + t.getName() + " did not end");
        }
    }
}

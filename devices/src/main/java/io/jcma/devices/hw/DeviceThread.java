package io.jcma.devices.hw;

/**
 * A device's own thread: hardware runs concurrently with its driver. The model's register hooks
 * {@link #kick()} it (a doorbell); it runs the model's {@link Work} until the work says there is
 * none left, then sleeps until the next kick.
 */
public sealed interface DeviceThread permits io.jcma.devices.hw.internal.DeviceThreadImpl {

    /** Wakes the thread; a kick while it runs makes it run the work once more afterwards. */
    void kick();

    /**
     * Stops the thread and waits for it: after this returns the work is not running and will
     * not run again (the model then makes no memory access). The thread is interrupted, so work
     * that waits (on the clock, say) ends with an InterruptedException. Idempotent. Called from
     * the thread itself (the work stopping its own device) it only marks the thread stopped:
     * the work runs no more once the current step returns.
     */
    void stop();

    /** Whether the caller runs on this thread. */
    boolean isCurrent();

    /**
     * Exceptions the work threw so far: each is a model bug, caught at the thread's top and
     * logged (KERN_ERR); the thread then waits for the next kick, as usable as before.
     */
    long bugs();

    /** What the thread runs. */
    @FunctionalInterface
    interface Work {
        /**
         * Does one step; returns whether more work is pending (the thread runs it again at
         * once) or not (it waits for a kick).
         *
         * @throws InterruptedException when the thread is stopped while the work waits
         */
        boolean run() throws InterruptedException;
    }
}

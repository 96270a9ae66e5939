package io.jcma.devices.hw;

/**
 * The board's time. Models and drivers read time and wait only through it, never through the
 * wall clock, so that a test can run a board on a {@link VirtualClock} it advances itself and a
 * timing bug reproduces exactly.
 */
public sealed interface Clock permits io.jcma.devices.hw.internal.RealClock, VirtualClock {

    /** Monotonic nanoseconds since the board booted. */
    long nanoTime();

    /**
     * Blocks until {@link #nanoTime()} reaches {@code deadline} (returns at once if it has).
     *
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    void sleepUntil(long deadline) throws InterruptedException;

    /** Blocks for {@code nanos} of this clock's time (a deadline past the end of time saturates). */
    default void sleep(long nanos) throws InterruptedException {
        sleepUntil(deadline(nanos));
    }

    /** {@link #nanoTime()} + {@code nanos}, saturated at Long.MAX_VALUE (MAX_SCHEDULE_TIMEOUT: forever). */
    default long deadline(long nanos) {
        long now = nanoTime();
        return nanos > 0 && now > Long.MAX_VALUE - nanos ? Long.MAX_VALUE : now + nanos;
    }

    /**
     * Waits on {@code monitor} (which the caller holds) until notified or until
     * {@link #nanoTime()} reaches {@code deadline}; the building block of timeouts
     * ({@code wait_for_completion_timeout}). Returns whether the deadline has passed.
     *
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws IllegalMonitorStateException if the caller does not hold {@code monitor}
     */
    boolean awaitUntil(Object monitor, long deadline) throws InterruptedException;

    /** Whether time moves only when a test advances it. */
    boolean isVirtual();

    /** The host's monotonic clock (System.nanoTime), from the board's boot. */
    static Clock real() {
        return Clocks.real();
    }

    /** A clock that stands still until {@link VirtualClock#advance} moves it. */
    static VirtualClock virtual() {
        return Clocks.virtual();
    }
}

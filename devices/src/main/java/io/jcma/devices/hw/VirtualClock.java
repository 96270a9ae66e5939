package io.jcma.devices.hw;

/**
 * A deterministic clock: time stands still until the test moves it. Every thread waiting in
 * {@link #sleepUntil} or {@link #awaitUntil} whose deadline the new time reaches has been woken
 * when {@link #advance} returns (it then runs when the scheduler lets it; a test waits for its
 * effect, not for the wake-up).
 */
public sealed interface VirtualClock extends Clock permits io.jcma.devices.hw.internal.VirtualClockImpl {

    /**
     * Moves time forward by {@code nanos}.
     *
     * @throws IllegalArgumentException if {@code nanos} is negative
     */
    void advance(long nanos);

    /** Moves time to the earliest deadline any thread waits for, if any; returns whether it did. */
    boolean advanceToNextDeadline();

    /** How many threads wait for this clock now. */
    int waiters();
}

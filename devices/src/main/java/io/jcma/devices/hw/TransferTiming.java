package io.jcma.devices.hw;

/**
 * How long a device takes to move bytes: a fixed latency per transfer plus the bytes at a
 * bandwidth, as a first-order model of a bus. {@link #NONE} (the default) takes no time at all.
 *
 * @param latencyNanos   time before the first byte moves
 * @param bytesPerSecond sustained bandwidth; 0 for unlimited
 */
public record TransferTiming(long latencyNanos, long bytesPerSecond) {

    /** Transfers take no time. */
    public static final TransferTiming NONE = new TransferTiming(0, 0);

    /**
     * @throws IllegalArgumentException if a value is negative
     */
    public TransferTiming {
        if (latencyNanos < 0) {
            throw new IllegalArgumentException("latencyNanos: " + latencyNanos + " (expected: >= 0)");
        }
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytesPerSecond: " + bytesPerSecond + " (expected: >= 0)");
        }
    }

    /**
     * The time a transfer of {@code bytes} takes.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public long durationNanos(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: >= 0)");
        }
        if (bytesPerSecond == 0) {
            return latencyNanos;
        }
        long ns = Math.multiplyHigh(bytes, 1_000_000_000L) == 0 && bytes * 1_000_000_000L >= 0
                ? bytes * 1_000_000_000L / bytesPerSecond
                : (long) ((double) bytes * 1e9 / bytesPerSecond);
        return latencyNanos + ns;
    }

    /** Whether transfers take any time. */
    public boolean timed() {
        return latencyNanos != 0 || bytesPerSecond != 0;
    }
}

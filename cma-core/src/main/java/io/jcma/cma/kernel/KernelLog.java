package io.jcma.cma.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The simulated machine's kernel ring buffer: what {@code dmesg} shows. Messages carry the
 * kernel's text exactly, prefix included: "cma: Reserved 64 MiB at 0x0000000001000000" (6.12 adds
 * " on node 1" for an area placed on a node).
 * Thread-safe.
 */
public final class KernelLog {
    /** printk levels, KERN_ERR (3) to KERN_DEBUG (7). */
    public enum Level {
        ERR(3), WARNING(4), NOTICE(5), INFO(6), DEBUG(7);

        private final int number;

        Level(int number) {
            this.number = number;
        }

        public int number() {
            return number;
        }
    }

    /** One message, stamped with nanoseconds since the machine was created. */
    public record Entry(long nanos, Level level, String text) {
        /** As dmesg prints it: "[    0.001234] text". */
        public String dmesg() {
            long micros = nanos / 1000;
            return String.format("[%5d.%06d] %s", micros / 1_000_000, micros % 1_000_000, text);
        }
    }

    /** Entries kept, like log_buf_len: the oldest are dropped beyond this. */
    public static final int LOG_BUF_ENTRIES = 16384;
    /** DEFAULT_RATELIMIT_INTERVAL (5 s) and DEFAULT_RATELIMIT_BURST (10). */
    static final long RATELIMIT_INTERVAL_NANOS = 5_000_000_000L;
    static final int RATELIMIT_BURST = 10;

    private final long t0 = System.nanoTime();
    private final java.util.ArrayDeque<Entry> entries = new java.util.ArrayDeque<>();
    private final java.util.Map<String, long[]> ratelimits = new java.util.HashMap<>();
    private long dropped;
    private final List<Consumer<Entry>> listeners = new ArrayList<>();
    private boolean debug;

    private KernelLog() {
    }

    public static KernelLog create() {
        return new KernelLog();
    }

    /** Whether pr_debug messages are kept (CONFIG_CMA_DEBUG / dyndbg). */
    public synchronized void setDebug(boolean debug) {
        this.debug = debug;
    }

    public synchronized void addListener(Consumer<Entry> l) {
        listeners.add(l);
    }

    public void err(String text) {
        log(Level.ERR, text);
    }

    public void warn(String text) {
        log(Level.WARNING, text);
    }

    public void info(String text) {
        log(Level.INFO, text);
    }

    public void debug(String text) {
        log(Level.DEBUG, text);
    }

    public synchronized void log(Level level, String text) {
        if (level == Level.DEBUG && !debug) {
            return;
        }
        Entry e = new Entry(System.nanoTime() - t0, level, text);
        if (entries.size() == LOG_BUF_ENTRIES) {
            entries.removeFirst();
            dropped++;
        }
        entries.add(e);
        for (Consumer<Entry> l : listeners) {
            l.accept(e);
        }
    }

    /**
     * pr_err_ratelimited() at call site {@code func}: at most 10 messages per 5 s; when a new
     * interval begins after suppressed ones, "func: N callbacks suppressed" is logged first.
     *
     * @return whether the message was logged
     */
    public synchronized boolean errRatelimited(String func, String text) {
        long now = System.nanoTime();
        long[] st = ratelimits.computeIfAbsent(func, k -> new long[] {now, 0, 0}); // begin, printed, missed
        if (now - st[0] > RATELIMIT_INTERVAL_NANOS) {
            if (st[2] > 0) {
                log(Level.WARNING, func + ": " + st[2] + " callbacks suppressed");
            }
            st[0] = now;
            st[1] = 0;
            st[2] = 0;
        }
        if (st[1] < RATELIMIT_BURST) {
            st[1]++;
            log(Level.ERR, text);
            return true;
        }
        st[2]++;
        return false;
    }

    /** Messages dropped because the buffer was full. */
    public synchronized long dropped() {
        return dropped;
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The texts of all messages, oldest first. */
    public synchronized List<String> lines() {
        return entries.stream().map(Entry::text).toList();
    }

    /** The texts of messages at KERN_ERR. */
    public synchronized List<String> errors() {
        return entries.stream().filter(e -> e.level() == Level.ERR).map(Entry::text).toList();
    }
}

package io.jcma.devices.hw.internal;

import io.jcma.devices.hw.DeviceThread;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A device's own thread, as QEMU runs a device's work off its main loop (a bottom half or an
 * iothread): kicked by a doorbell, it runs the work until the work says nothing is left, then
 * sleeps until the next kick. A kick while it runs makes it run once more afterwards, so no
 * doorbell is lost. What the work throws is a model bug: caught here, logged and counted; the
 * thread then waits for the next kick and the JVM goes on.
 */
public final class DeviceThreadImpl implements DeviceThread {
    /** How long stop() waits before it says the work ignores being stopped (it keeps waiting). */
    private static final long STOP_WARN_MILLIS = 10_000;
    /** Stack frames logged with a model bug. */
    private static final int FRAMES = 8;

    private final String name;
    private final Work work;
    private final Consumer<String> errors;
    private final Thread thread;
    private final LongAdder bugs = new LongAdder();
    private boolean kicked;
    private boolean stopping;

    private DeviceThreadImpl(String name, Work work, Consumer<String> errors) {
        this.name = name;
        this.work = work;
        this.errors = errors;
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
    }

    /**
     * Starts a thread named {@code name} running {@code work}; model bugs are reported to
     * {@code errors} line by line.
     */
    public static DeviceThreadImpl start(String name, Work work, Consumer<String> errors) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: " + name + " (expected: a thread name)");
        }
        if (work == null) {
            throw new IllegalArgumentException("work: null (expected: what the thread runs)");
        }
        DeviceThreadImpl t = new DeviceThreadImpl(name, work, errors == null ? s -> { } : errors);
        t.thread.start();
        return t;
    }

    private void loop() {
        while (true) {
            synchronized (this) {
                while (!kicked && !stopping) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        // only stop() interrupts; the loop condition sees it
                    }
                }
                if (stopping) {
                    return;
                }
                kicked = false;
            }
            try {
                boolean more = true;
                while (more && !stopped()) {
                    more = work.run();
                }
            } catch (InterruptedException e) {
                if (stopped()) {
                    return;
                }
            } catch (Throwable t) {
                report(t);
                bugs.increment();
            }
        }
    }

    private synchronized boolean stopped() {
        return stopping;
    }

    private void report(Throwable t) {
        errors.accept(name + ": model bug in the device thread: " + t);
        StackTraceElement[] st = t.getStackTrace();
        for (int i = 0; i < Math.min(FRAMES, st.length); i++) {
            errors.accept("    at " + st[i]);
        }
    }

    @Override
    public synchronized void kick() {
        if (!stopping) {
            kicked = true;
            notifyAll();
        }
    }

    @Override
    public void stop() {
        synchronized (this) {
            stopping = true;
            notifyAll();
        }
        if (isCurrent()) {
            return;
        }
        thread.interrupt();
        boolean interrupted = false;
        boolean warned = false;
        while (thread.isAlive()) {
            try {
                thread.join(STOP_WARN_MILLIS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (thread.isAlive() && !warned) {
                warned = true;
                errors.accept(name + ": model bug: the device thread has not stopped after " + STOP_WARN_MILLIS
                        + " ms (its work ignores interrupts); still waiting");
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isCurrent() {
        return Thread.currentThread() == thread;
    }

    @Override
    public long bugs() {
        return bugs.sum();
    }

    /** The thread's name. */
    public String name() {
        return name;
    }
}

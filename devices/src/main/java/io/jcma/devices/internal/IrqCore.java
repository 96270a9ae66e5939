package io.jcma.devices.internal;

import io.jcma.cma.kernel.CallSite;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.devices.drivers.IrqFlags;
import io.jcma.devices.drivers.IrqHandler;
import io.jcma.devices.drivers.IrqReturn;
import io.jcma.devices.hw.Clock;
import io.jcma.devices.hw.IrqLine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Mirrors kernel/irq/manage.c (request_threaded_irq, free_irq, disable_irq, enable_irq,
 * synchronize_irq) over one board's {@link Gic}, with the Linux IRQ numbers its device tree
 * maps (irq_create_of_mapping) and the wires its models drive.
 *
 * <h2>Locking</h2>
 * One lock per board plays desc->lock and the chip's lock: the models' lines take it (under
 * their register block's monitor: block, then IRQ lock), the driver calls take it, and the
 * interrupt flow ({@link IrqFlow}) takes it around, never across, the handlers. One condition
 * tells every waiter that something changed.
 */
final class IrqCore implements AutoCloseable {
    private static final CallSite CALLER = CallSite.outside(IrqCore.class);
    /** irq_default_primary_handler(): wakes the thread. */
    static final IrqHandler DEFAULT_PRIMARY = (irq, devId) -> IrqReturn.WAKE_THREAD;
    static final long TRIGGER_MASK = 0xf;

    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    final Gic gic = new Gic();
    final KernelLog log;
    final Clock clock;
    final boolean noirqdebug;
    final Spurious spurious = new Spurious();
    final LongAdder handlerBugs = new LongAdder();
    private final IrqDesc[] byHw = new IrqDesc[Gic.NR_HWIRQS];
    private final List<IrqDesc> descs = new ArrayList<>();
    private final IrqFlow flow;
    private final IrqProc proc;
    boolean closed;

    IrqCore(KernelLog log, Clock clock, boolean noirqdebug, io.jcma.cma.fs.KernelFs fs) {
        this.log = log;
        this.clock = clock;
        this.noirqdebug = noirqdebug;
        this.flow = new IrqFlow(this);
        this.proc = new IrqProc(this, fs);
        flow.start();
    }

    /** The result of mapping one {@code interrupts} entry: a Linux IRQ, or why there is none. */
    record Mapping(int irq, int hwirq, String error) {
        boolean ok() {
            return error == null;
        }
    }

    /**
     * irq_create_of_mapping() for one 3-cell GIC specifier {@code <type num flags>}: SPI type 0 is
     * hwirq 32 + num, PPI type 1 is 16 + num; flags choose the trigger. The same hwirq always
     * maps to the same Linux IRQ, numbered from 1 in the order first mapped.
     */
    Mapping map(String node, long type, long num, long flags) {
        long base = type == 0 ? Gic.SPI_BASE : type == 1 ? Gic.PPI_BASE : -1;
        if (base < 0) {
            return failed(node, "interrupt type " + type + " (expected: 0 for an SPI or 1 for a PPI)");
        }
        long hw = base + num;
        if (num < 0 || (type == 1 && num > 15) || hw >= Gic.NR_HWIRQS) {
            return failed(node, "interrupt " + num + " of type " + type + " (expected: PPI 0..15, SPI 0..987)");
        }
        int sense = (int) (flags & Gic.TYPE_SENSE_MASK);
        if (sense != Gic.TYPE_NONE && !Gic.validType(sense)) {
            return failed(node, "trigger flags 0x" + Long.toHexString(flags) + " (expected: 1, 2, 4 or 8)");
        }
        lock.lock();
        try {
            IrqDesc d = byHw[(int) hw];
            if (d == null) {
                d = new IrqDesc(descs.size() + 1, (int) hw);
                byHw[(int) hw] = d;
                descs.add(d);
                gic.wire((int) hw, sense);
                gic.mask((int) hw);
                proc.registerIrq(d.irq);
            }
            if (sense != Gic.TYPE_NONE && sense != gic.type(d.hwirq)) {
                gic.setType(d.hwirq, sense);
            }
            if (sense != Gic.TYPE_NONE) {
                d.triggerSet = true;
            }
            return new Mapping(d.irq, d.hwirq, null);
        } finally {
            lock.unlock();
        }
    }

    private Mapping failed(String node, String what) {
        String msg = "irq: " + node + ": " + what;
        log.err(msg);
        return new Mapping(-1, -1, msg);
    }

    /** A model's output wired to input {@code hwirq}; a disconnected wire for -1. */
    IrqLine line(int hwirq) {
        return new Line(hwirq);
    }

    /** One device output on one controller input. */
    private final class Line implements IrqLine {
        private final int hw;
        private boolean level;

        Line(int hw) {
            this.hw = hw;
        }

        @Override
        public void set(boolean l) {
            lock.lock();
            try {
                if (l == level) {
                    return;
                }
                level = l;
                if (hw >= 0) {
                    gic.drive(hw, l);
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void pulse() {
            set(true);
            set(false);
        }

        @Override
        public boolean level() {
            lock.lock();
            try {
                return level;
            } finally {
                lock.unlock();
            }
        }
    }

    /** irq_to_desc(); the caller holds the lock. */
    IrqDesc desc(int irq) {
        return irq >= 1 && irq <= descs.size() ? descs.get(irq - 1) : null;
    }

    IrqDesc byHw(int hw) {
        return byHw[hw];
    }

    /** Every descriptor, by IRQ number; the caller holds the lock. */
    List<IrqDesc> descs() {
        return descs;
    }

    void mask(IrqDesc d) {
        d.masked = true;
        gic.mask(d.hwirq);
    }

    void unmask(IrqDesc d) {
        d.masked = false;
        gic.unmask(d.hwirq);
        changed.signalAll();
    }

    /** irq_startup(): depth 0, unmasked. */
    private void startup(IrqDesc d) {
        d.depth = 0;
        unmask(d);
    }

    private static ErrnoException einval(String message) {
        return new ErrnoException(Errno.EINVAL, message);
    }

    /** request_threaded_irq() and __setup_irq(), with the kernel's checks in its order. */
    void request(int irq, IrqHandler handler, IrqHandler threadFn, long flags, String name, Object devId) {
        if ((flags & IrqFlags.SHARED) != 0 && devId == null) {
            throw einval("request_threaded_irq: irq=" + irq + " flags=0x" + Long.toHexString(flags)
                    + " devId=null (expected: a devId for IRQF_SHARED)");
        }
        if ((flags & IrqFlags.SHARED) != 0 && (flags & IrqFlags.NO_AUTOEN) != 0) {
            throw einval("request_threaded_irq: irq=" + irq + " flags=0x" + Long.toHexString(flags)
                    + " (expected: not IRQF_SHARED with IRQF_NO_AUTOEN)");
        }
        if (handler == null && threadFn == null) {
            throw einval("request_threaded_irq: irq=" + irq + " (expected: a handler or a thread function)");
        }
        IrqDesc.Action action;
        lock.lock();
        try {
            IrqDesc d = desc(irq);
            if (d == null || closed) {
                throw einval("request_threaded_irq: irq=" + irq + " (expected: a mapped IRQ, 1.." + descs.size() + ")");
            }
            IrqHandler h = handler == null ? DEFAULT_PRIMARY : handler;
            if ((flags & TRIGGER_MASK) == 0) {
                flags |= gic.type(d.hwirq);
            }
            boolean shared = !d.actions.isEmpty();
            long threadMask = 0;
            if (shared) {
                IrqDesc.Action old = d.actions.getFirst();
                long oldType;
                if (d.triggerSet) {
                    oldType = gic.type(d.hwirq);
                } else {
                    oldType = flags & TRIGGER_MASK;
                    d.triggerSet = true;
                }
                if ((old.flags & flags & IrqFlags.SHARED) == 0 || oldType != (flags & TRIGGER_MASK)
                        || ((old.flags ^ flags) & IrqFlags.ONESHOT) != 0) {
                    log.err(String.format("Flags mismatch irq %d. %08x (%s) vs. %08x (%s)", irq, flags, name, old.flags,
                            old.name));
                    throw new ErrnoException(Errno.EBUSY, "request_threaded_irq: irq=" + irq + " flags=0x"
                            + Long.toHexString(flags) + " (expected: IRQF_SHARED, trigger and IRQF_ONESHOT as "
                            + old.name + "'s 0x" + Long.toHexString(old.flags) + ")");
                }
            }
            if ((flags & IrqFlags.ONESHOT) != 0) {
                long used = 0;
                for (IrqDesc.Action a : d.actions) {
                    used |= a.threadMask;
                }
                if (used == -1L) {
                    throw new ErrnoException(Errno.EBUSY, "request_threaded_irq: irq=" + irq
                            + " (expected: fewer than 64 IRQF_ONESHOT actions)");
                }
                threadMask = Long.lowestOneBit(~used);
            } else if (h == DEFAULT_PRIMARY) {
                log.err("Threaded irq requested with handler=NULL and !ONESHOT for " + name + " (irq " + irq + ")");
                throw einval("request_threaded_irq: irq=" + irq + " handler=null flags=0x" + Long.toHexString(flags)
                        + " (expected: IRQF_ONESHOT with no primary handler)");
            }
            action = new IrqDesc.Action(name, devId, h, threadFn, flags, threadMask);
            if (threadFn != null) {
                IrqDesc desc = d;
                IrqDesc.Action a = action;
                action.thread = new Thread(() -> flow.irqThread(desc, a), "irq/" + irq + "-" + name);
                action.thread.setDaemon(true);
            }
            List<IrqDesc.Action> next = new ArrayList<>(d.actions);
            next.add(action);
            if (!shared) {
                d.oneshot = (flags & IrqFlags.ONESHOT) != 0;
                d.spuriousDisabled = false;
                if ((flags & TRIGGER_MASK) != gic.type(d.hwirq)) {
                    gic.setType(d.hwirq, (int) (flags & TRIGGER_MASK));
                }
                d.triggerSet = true;
                d.actions = List.copyOf(next);
                if ((flags & IrqFlags.NO_AUTOEN) == 0) {
                    startup(d);
                } else {
                    d.depth = 1;
                }
            } else {
                d.actions = List.copyOf(next);
                if (d.spuriousDisabled) {
                    d.spuriousDisabled = false;
                    enableLocked(d);
                }
            }
            d.irqCount = 0;
            d.irqsUnhandled = 0;
            proc.registerHandler(irq, name);
            if (action.thread != null) {
                action.thread.start();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * free_irq(): removes the action of {@code devId}, shuts the line down if it was the last,
     * waits for a running hard handler, then stops the action's thread (which first runs a
     * pending wake-up, as kthread_stop() lets irq_thread() do).
     *
     * @throws IllegalStateException if no action of {@code devId} is on the line ("Trying to free
     *                               already-free IRQ"), or when called from the line's own
     *                               handler, which would wait for itself
     */
    void free(int irq, Object devId) {
        IrqDesc.Action gone = null;
        lock.lock();
        try {
            IrqDesc d = desc(irq);
            if (d != null) {
                for (IrqDesc.Action a : d.actions) {
                    if (a.devId == devId) {
                        gone = a;
                        break;
                    }
                }
            }
            if (gone == null) {
                KernelWarn.warn(log, "Trying to free already-free IRQ " + irq, CALLER.find());
                throw new IllegalStateException("free_irq: irq=" + irq + " devId=" + devId
                        + " (expected: an action requested with that devId)");
            }
            guardSelf(d, "free_irq", gone);
            List<IrqDesc.Action> next = new ArrayList<>(d.actions);
            next.remove(gone);
            d.actions = List.copyOf(next);
            if (next.isEmpty()) {
                mask(d);
                d.depth = 1;
                d.oneshot = false;
            }
            while (d.inProgress) {
                changed.awaitUninterruptibly();
            }
            gone.stop = true;
            changed.signalAll();
            String name = gone.name;
            if (next.stream().noneMatch(a -> a.name.equals(name))) {
                proc.unregisterHandler(irq, name);
            }
        } finally {
            lock.unlock();
        }
        if (gone.thread != null) {
            joinReporting(gone.thread);
        }
    }

    /** Refuses a wait the caller would never see end: on the line's own hard handler or thread. */
    private void guardSelf(IrqDesc d, String what, IrqDesc.Action only) {
        Thread me = Thread.currentThread();
        if (flow.isCpu(me) && d.inProgress) {
            throw new IllegalStateException(what + "(" + d.irq + ") from a hard interrupt handler of that IRQ"
                    + " (expected: disable_irq_nosync, or a call from outside the handler): it would wait for itself");
        }
        for (IrqDesc.Action a : d.actions) {
            if (a.thread == me && (only == null || a == only)) {
                throw new IllegalStateException(what + "(" + d.irq + ") from the thread function of " + a.name
                        + " (expected: a call from outside it): it would wait for itself");
            }
        }
        if (only != null && only.thread == me) {
            throw new IllegalStateException(what + "(" + d.irq + ") from its own thread function: it would wait for itself");
        }
    }

    /** disable_irq_nosync() / disable_irq(): nested; masks the line on the first. */
    void disable(int irq, boolean sync) {
        lock.lock();
        try {
            IrqDesc d = desc(irq);
            if (d == null) {
                return;
            }
            if (sync) {
                guardSelf(d, "disable_irq", null);
            }
            if (d.depth++ == 0) {
                mask(d);
            }
        } finally {
            lock.unlock();
        }
        if (sync) {
            synchronize(irq);
        }
    }

    /**
     * enable_irq(): undoes one disable; the last one unmasks the line (an edge latched meanwhile
     * is then delivered, a level still asserted fires again).
     *
     * @throws IllegalStateException if the line is not disabled, after the kernel's warning
     */
    void enable(int irq) {
        lock.lock();
        try {
            IrqDesc d = desc(irq);
            if (d == null) {
                return;
            }
            enableLocked(d);
        } finally {
            lock.unlock();
        }
    }

    private void enableLocked(IrqDesc d) {
        switch (d.depth) {
            case 0 -> {
                KernelWarn.warn(log, "Unbalanced enable for IRQ " + d.irq, CALLER.find());
                throw new IllegalStateException("enable_irq: irq=" + d.irq + " depth=0 (expected: a disabled IRQ)");
            }
            case 1 -> startup(d);
            default -> d.depth--;
        }
    }

    /** synchronize_irq(): waits until no hard handler and no woken thread function of the line runs. */
    void synchronize(int irq) {
        lock.lock();
        try {
            IrqDesc d = desc(irq);
            if (d == null) {
                return;
            }
            guardSelf(d, "synchronize_irq", null);
            while (d.inProgress || d.threadsActive > 0) {
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /** A handler or thread function threw: a WARN, counted; the interrupt counts as unhandled. */
    void handlerBug(IrqDesc d, IrqDesc.Action a, String what, Throwable t) {
        handlerBugs.increment();
        KernelWarn.warn(log, "irq " + d.irq + " " + what + " of " + a.name + " threw", t);
    }

    /**
     * Stops the interrupt flow and every IRQ thread still running. Idempotent. A thread function
     * that does not return within 10 s is reported and left behind (a daemon thread), so that a
     * hung driver cannot hang the board's close.
     */
    @Override
    public void close() {
        List<Thread> threads = new ArrayList<>();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (IrqDesc d : descs) {
                mask(d);
                for (IrqDesc.Action a : d.actions) {
                    a.stop = true;
                    if (a.thread != null) {
                        threads.add(a.thread);
                    }
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (!flow.join(STOP_WARN_MILLIS)) {
            log.err("CPU0: a hard interrupt handler has not returned " + STOP_WARN_MILLIS
                    + " ms after the board closed; left running");
        }
        for (Thread t : threads) {
            if (!join(t, STOP_WARN_MILLIS)) {
                log.err(t.getName() + ": the thread function has not returned " + STOP_WARN_MILLIS
                        + " ms after the board closed; left running");
            }
        }
    }

    /** How long a join waits before it reports a thread that does not end. */
    static final long STOP_WARN_MILLIS = 10_000;

    /** Joins {@code t} for at most {@code millis} (0: for ever), keeping the caller's interrupt. */
    static boolean join(Thread t, long millis) {
        boolean interrupted = false;
        long end = System.nanoTime() + millis * 1_000_000;
        while (t.isAlive() && (millis == 0 || System.nanoTime() - end < 0)) {
            try {
                t.join(millis == 0 ? 0 : Math.max(1, (end - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }

    /** Joins {@code t} for ever, as kthread_stop() waits, saying so when it takes 10 s. */
    void joinReporting(Thread t) {
        if (!join(t, STOP_WARN_MILLIS)) {
            log.err(t.getName() + ": free_irq still waits for the thread function to return after "
                    + STOP_WARN_MILLIS + " ms");
            join(t, 0);
        }
    }
}

package io.jcma.devices.internal;

import io.jcma.devices.drivers.IrqReturn;

import java.util.List;

/**
 * The interrupt flow of kernel/irq/chip.c and handle.c: the board's CPU takes the interrupt the
 * {@link Gic} delivers (handle_fasteoi_irq), runs the hard handlers unlocked
 * (handle_irq_event_percpu), wakes thread functions (__irq_wake_thread), notes unhandled
 * interrupts (note_interrupt) and EOIs; each thread function runs on its own "irq/N-name" thread
 * (irq_thread), and a ONESHOT line is unmasked when the last woken one returns
 * (irq_finalize_oneshot). What a handler throws is caught, warned about and counted as
 * unhandled; it never stops the CPU or an IRQ thread.
 */
final class IrqFlow {
    private final IrqCore core;
    private final Thread cpu;

    IrqFlow(IrqCore core) {
        this.core = core;
        this.cpu = new Thread(this::cpuLoop, "jcma-cpu0-irq");
        cpu.setDaemon(true);
    }

    void start() {
        cpu.start();
    }

    boolean isCpu(Thread t) {
        return t == cpu;
    }

    /** Waits for the CPU to stop; false if a hard handler still runs after {@code millis}. */
    boolean join(long millis) {
        return IrqCore.join(cpu, millis);
    }

    /** The CPU: acknowledge the highest-priority pending interrupt, handle it, EOI. */
    private void cpuLoop() {
        core.lock.lock();
        try {
            while (true) {
                int hw;
                while (!core.closed && (hw = core.gic.deliverable()) < 0) {
                    core.changed.awaitUninterruptibly();
                }
                if (core.closed) {
                    return;
                }
                hw = core.gic.deliverable();
                core.gic.ack(hw);
                IrqDesc d = core.byHw(hw);
                if (d == null) {
                    core.gic.eoi(hw);
                } else {
                    handleFasteoi(d);
                }
            }
        } finally {
            core.lock.unlock();
        }
    }

    /** handle_fasteoi_irq(); called and returns with the lock held, drops it around the handlers. */
    private void handleFasteoi(IrqDesc d) {
        if (d.actions.isEmpty() || d.disabled()) {
            core.mask(d);
            core.gic.eoi(d.hwirq);
            return;
        }
        d.count++;
        if (d.oneshot) {
            core.mask(d);
        }
        d.inProgress = true;
        List<IrqDesc.Action> actions = d.actions;
        int ret = Spurious.IRQ_NONE;
        core.lock.unlock();
        try {
            for (IrqDesc.Action a : actions) {
                ret |= runHandler(d, a);
            }
        } finally {
            core.lock.lock();
        }
        if (!core.noirqdebug && core.spurious.noteInterrupt(d, ret, core.clock.nanoTime() / 1_000_000, core.log)) {
            core.mask(d);
        }
        d.inProgress = false;
        core.gic.eoi(d.hwirq);
        if (d.oneshot && !d.disabled() && d.masked && d.threadsOneshot == 0) {
            core.unmask(d);
        }
        core.changed.signalAll();
    }

    /** One action of handle_irq_event_percpu(), unlocked: its result as note_interrupt() bits. */
    private int runHandler(IrqDesc d, IrqDesc.Action a) {
        IrqReturn r;
        try {
            r = a.handler.handle(d.irq, a.devId);
        } catch (Throwable t) {
            core.handlerBug(d, a, "handler", t);
            return Spurious.IRQ_NONE;
        }
        if (r == null) {
            return Spurious.IRQ_BOGUS;
        }
        return switch (r) {
            case NONE -> Spurious.IRQ_NONE;
            case HANDLED -> Spurious.IRQ_HANDLED;
            case WAKE_THREAD -> {
                core.lock.lock();
                try {
                    if (a.threadFn == null) {
                        if (!a.warnedNoThread) {
                            a.warnedNoThread = true;
                            core.log.warn("IRQ " + d.irq + " device " + a.name
                                    + " returned IRQ_WAKE_THREAD but no thread function available.");
                        }
                    } else {
                        wakeThread(d, a);
                    }
                } finally {
                    core.lock.unlock();
                }
                yield Spurious.IRQ_WAKE_THREAD;
            }
        };
    }

    /** __irq_wake_thread(); the lock is held. */
    private void wakeThread(IrqDesc d, IrqDesc.Action a) {
        if (a.stop || a.runThread) {
            return;
        }
        a.runThread = true;
        d.threadsOneshot |= a.threadMask;
        d.threadsActive++;
        core.changed.signalAll();
    }

    /** irq_thread(): runs the thread function once per wake-up until free_irq stops it. */
    void irqThread(IrqDesc d, IrqDesc.Action a) {
        core.lock.lock();
        try {
            while (true) {
                while (!a.runThread && !a.stop) {
                    core.changed.awaitUninterruptibly();
                }
                if (!a.runThread) {
                    return;
                }
                a.runThread = false;
                IrqReturn r;
                core.lock.unlock();
                try {
                    r = a.threadFn.handle(d.irq, a.devId);
                } catch (Throwable t) {
                    core.handlerBug(d, a, "thread function", t);
                    r = IrqReturn.NONE;
                } finally {
                    core.lock.lock();
                }
                if (r == IrqReturn.HANDLED) {
                    d.threadsHandled++;
                }
                finalizeOneshot(d, a);
                d.threadsActive--;
                core.changed.signalAll();
            }
        } finally {
            core.lock.unlock();
        }
    }

    /**
     * irq_finalize_oneshot(); the lock is held. Like the kernel it waits for a hard handler of the
     * line still in progress, whose cond_unmask_eoi_irq() decides about the mask then.
     */
    private void finalizeOneshot(IrqDesc d, IrqDesc.Action a) {
        if (!d.oneshot) {
            return;
        }
        while (d.inProgress) {
            core.changed.awaitUninterruptibly();
        }
        if (a.runThread) {
            return;
        }
        d.threadsOneshot &= ~a.threadMask;
        if (d.threadsOneshot == 0 && !d.disabled() && d.masked) {
            core.unmask(d);
        }
    }
}

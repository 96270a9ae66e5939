package io.jcma.devices.internal;

import io.jcma.devices.drivers.IrqHandler;

import java.util.List;

/**
 * struct irq_desc with its struct irqaction list (include/linux/irqdesc.h, interrupt.h): one
 * Linux IRQ number of a board. Every field is guarded by the board's IRQ lock; the action list
 * is replaced, never changed in place, so the interrupt flow can walk a snapshot unlocked.
 */
final class IrqDesc {
    /** The Linux IRQ number. */
    final int irq;
    final int hwirq;
    /** desc->action: the handlers, in request order. */
    List<Action> actions = List.of();
    /** desc->depth: nested disables; 1 until the first request starts the line up. */
    int depth = 1;
    /** irqd_irq_masked(): the chip's enable bit is clear. */
    boolean masked = true;
    /** IRQD_IRQ_INPROGRESS: a hard handler of this line runs. */
    boolean inProgress;
    /** IRQS_ONESHOT: the line stays masked until every woken thread function has returned. */
    boolean oneshot;
    /** IRQS_SPURIOUS_DISABLED: note_interrupt() turned the line off. */
    boolean spuriousDisabled;
    /** IRQD_DEFAULT_TRIGGER_SET: the device tree or a request chose the trigger. */
    boolean triggerSet;
    /** desc->threads_oneshot: bits of the woken threads a ONESHOT line waits for. */
    long threadsOneshot;
    /** desc->threads_active: woken thread functions that have not finished. */
    int threadsActive;
    /** desc->threads_handled: thread functions that returned IRQ_HANDLED. */
    int threadsHandled;
    /** desc->threads_handled_last, bit 31 SPURIOUS_DEFERRED. */
    int threadsHandledLast;
    /** kstat_irqs: interrupts handled on CPU0. */
    long count;
    /** desc->irq_count, desc->irqs_unhandled, desc->last_unhandled (ms of the board clock). */
    int irqCount;
    int irqsUnhandled;
    long lastUnhandledMs;

    IrqDesc(int irq, int hwirq) {
        this.irq = irq;
        this.hwirq = hwirq;
    }

    boolean disabled() {
        return depth > 0;
    }

    /**
     * struct irqaction: one request_threaded_irq() on the line.
     *
     * @param threadMask the bit this action's thread holds in threads_oneshot (0 without a thread)
     */
    static final class Action {
        final String name;
        final Object devId;
        final IrqHandler handler;
        final IrqHandler threadFn;
        final long flags;
        final long threadMask;
        /** IRQTF_RUNTHREAD. */
        boolean runThread;
        /** kthread_should_stop() for its thread. */
        boolean stop;
        /** Whether warn_no_thread() already complained about this action. */
        boolean warnedNoThread;
        /** The "irq/N-name" thread, or null without a thread function. */
        Thread thread;

        Action(String name, Object devId, IrqHandler handler, IrqHandler threadFn, long flags, long threadMask) {
            this.name = name;
            this.devId = devId;
            this.handler = handler;
            this.threadFn = threadFn;
            this.flags = flags;
            this.threadMask = threadMask;
        }
    }
}

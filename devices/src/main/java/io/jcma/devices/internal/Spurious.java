package io.jcma.devices.internal;

import io.jcma.cma.kernel.KernelLog;

/**
 * Mirrors note_interrupt() of kernel/irq/spurious.c: unhandled interrupts are counted per line;
 * when 99,900 of 100,000 interrupts (counted from the first unhandled one) went unhandled, the
 * line is reported ("irq %d: nobody cared") and disabled. An unhandled interrupt more than
 * HZ/10 (100 ms of the board's clock) after the previous one restarts the count at 1, so an odd
 * spurious interrupt never adds up. A line whose hard handlers only woke threads is judged one
 * interrupt later, by whether a thread function handled something meanwhile (SPURIOUS_DEFERRED).
 * irqfixup/irqpoll (misrouted IRQ polling) is not modelled.
 */
final class Spurious {
    /** IRQ_NONE, IRQ_HANDLED, IRQ_WAKE_THREAD as the bits handle_irq_event_percpu() ORs. */
    static final int IRQ_NONE = 0;
    static final int IRQ_HANDLED = 1;
    static final int IRQ_WAKE_THREAD = 2;
    /** A handler returned no irqreturn_t at all (null): a bogus return value. */
    static final int IRQ_BOGUS = 0x100;
    static final int SPURIOUS_DEFERRED = 0x8000_0000;
    /** HZ/10 in milliseconds. */
    static final long WINDOW_MS = 100;

    private int badReportsLeft = 100;

    /** Returns whether the line must now be disabled (the caller masks it). */
    boolean noteInterrupt(IrqDesc d, int ret, long nowMs, KernelLog log) {
        if ((ret & IRQ_BOGUS) != 0) {
            if (badReportsLeft > 0) {
                badReportsLeft--;
                report(d, ret, log);
            }
            return false;
        }
        if ((ret & IRQ_WAKE_THREAD) != 0) {
            if (ret == IRQ_WAKE_THREAD) {
                if ((d.threadsHandledLast & SPURIOUS_DEFERRED) == 0) {
                    d.threadsHandledLast |= SPURIOUS_DEFERRED;
                    return false;
                }
                int handled = d.threadsHandled | SPURIOUS_DEFERRED;
                if (handled != d.threadsHandledLast) {
                    ret = IRQ_HANDLED;
                    d.threadsHandledLast = handled;
                } else {
                    ret = IRQ_NONE;
                }
            } else {
                d.threadsHandledLast &= ~SPURIOUS_DEFERRED;
            }
        }
        if (ret == IRQ_NONE) {
            if (nowMs - (d.lastUnhandledMs + WINDOW_MS) > 0) {
                d.irqsUnhandled = 1;
            } else {
                d.irqsUnhandled++;
            }
            d.lastUnhandledMs = nowMs;
        }
        if (d.irqsUnhandled == 0) {
            return false;
        }
        d.irqCount++;
        if (d.irqCount < 100_000) {
            return false;
        }
        d.irqCount = 0;
        boolean stuck = d.irqsUnhandled > 99_900;
        if (stuck) {
            report(d, ret, log);
            log.log(KernelLog.Level.ERR, "Disabling IRQ #" + d.irq);
            d.spuriousDisabled = true;
            d.depth++;
        }
        d.irqsUnhandled = 0;
        return stuck;
    }

    /** __report_bad_irq(). */
    private static void report(IrqDesc d, int ret, KernelLog log) {
        if ((ret & IRQ_BOGUS) != 0) {
            log.err("irq event " + d.irq + ": bogus return value (null)");
        } else {
            log.err("irq " + d.irq + ": nobody cared (try booting with the \"irqpoll\" option)");
        }
        log.err("handlers:");
        for (IrqDesc.Action a : d.actions) {
            StringBuilder b = new StringBuilder(String.format("[<%016x>] %s", System.identityHashCode(a.handler),
                    a.name));
            if (a.threadFn != null) {
                b.append(String.format(" threaded [<%016x>] %s", System.identityHashCode(a.threadFn), a.name));
            }
            log.err(b.toString());
        }
    }
}

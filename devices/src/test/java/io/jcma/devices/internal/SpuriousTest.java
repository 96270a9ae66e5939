package io.jcma.devices.internal;

import io.jcma.cma.kernel.KernelLog;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** note_interrupt()'s bookkeeping, interrupt by interrupt. */
class SpuriousTest {
    private final Spurious spurious = new Spurious();
    private final KernelLog log = KernelLog.create();
    private final IrqDesc d = new IrqDesc(7, 39);

    @Test
    void handledInterruptsCountNothing() {
        for (int i = 0; i < 10; i++) {
            spurious.noteInterrupt(d, Spurious.IRQ_HANDLED, 0, log);
        }
        assertThat(d.irqCount).isZero();
        assertThat(d.irqsUnhandled).isZero();
    }

    @Test
    void anUnhandledInterruptLongAfterThePreviousOneRestartsTheCount() {
        spurious.noteInterrupt(d, Spurious.IRQ_NONE, 10, log);
        spurious.noteInterrupt(d, Spurious.IRQ_NONE, 110, log);
        assertThat(d.irqsUnhandled).isEqualTo(2);
        spurious.noteInterrupt(d, Spurious.IRQ_NONE, 211, log);
        assertThat(d.irqsUnhandled).isEqualTo(1);
        assertThat(d.lastUnhandledMs).isEqualTo(211);
        assertThat(d.irqCount).isEqualTo(3);
    }

    @Test
    void aLineIsStuckOnlyWhenMoreThan99900Of100000WentUnhandled() {
        for (int i = 0; i < 99_900; i++) {
            assertThat(spurious.noteInterrupt(d, Spurious.IRQ_NONE, 0, log)).isFalse();
        }
        for (int i = 0; i < 99; i++) {
            assertThat(spurious.noteInterrupt(d, Spurious.IRQ_HANDLED, 0, log)).isFalse();
        }
        assertThat(spurious.noteInterrupt(d, Spurious.IRQ_HANDLED, 0, log)).isFalse();
        assertThat(d.irqCount).isZero();
        assertThat(d.irqsUnhandled).isZero();
        assertThat(log.lines()).isEmpty();

        for (int i = 0; i < 99_901; i++) {
            spurious.noteInterrupt(d, Spurious.IRQ_NONE, 0, log);
        }
        boolean stuck = false;
        for (int i = 0; i < 99; i++) {
            stuck |= spurious.noteInterrupt(d, Spurious.IRQ_HANDLED, 0, log);
        }
        assertThat(stuck).isTrue();
        assertThat(d.depth).isEqualTo(2);
        assertThat(d.spuriousDisabled).isTrue();
        assertThat(log.errors()).containsSubsequence("irq 7: nobody cared (try booting with the \"irqpoll\" option)",
                "handlers:", "Disabling IRQ #7");
    }

    @Test
    void aWokenThreadIsJudgedAtTheNextInterrupt() {
        // first WAKE_THREAD only defers
        spurious.noteInterrupt(d, Spurious.IRQ_WAKE_THREAD, 0, log);
        assertThat(d.threadsHandledLast & Spurious.SPURIOUS_DEFERRED).isNotZero();
        assertThat(d.irqsUnhandled).isZero();
        // the thread handled it: the next wake counts as handled
        d.threadsHandled++;
        spurious.noteInterrupt(d, Spurious.IRQ_WAKE_THREAD, 0, log);
        assertThat(d.irqsUnhandled).isZero();
        // the thread did not handle anything since: unhandled
        spurious.noteInterrupt(d, Spurious.IRQ_WAKE_THREAD, 0, log);
        assertThat(d.irqsUnhandled).isEqualTo(1);
        // a primary handler that handled it clears the deferral
        spurious.noteInterrupt(d, Spurious.IRQ_WAKE_THREAD | Spurious.IRQ_HANDLED, 0, log);
        assertThat(d.threadsHandledLast & Spurious.SPURIOUS_DEFERRED).isZero();
    }

    @Test
    void aBogusReturnValueIsReportedNotCounted() {
        spurious.noteInterrupt(d, Spurious.IRQ_BOGUS, 0, log);
        assertThat(log.errors()).startsWith("irq event 7: bogus return value (null)");
        assertThat(d.irqCount).isZero();
    }
}

package io.jcma.devices.internal;

import io.jcma.cma.fs.KernelFs;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.devices.drivers.IrqFlags;
import io.jcma.devices.drivers.IrqReturn;
import io.jcma.devices.hw.Clock;
import io.jcma.devices.hw.IrqLine;
import io.jcma.devices.hw.VirtualClock;
import io.jcma.devices.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** request_threaded_irq() and the interrupt flow on one controller, without a board. */
class IrqCoreTest {
    private final KernelLog log = KernelLog.create();
    private final KernelFs fs = KernelFs.create();
    private final VirtualClock clock = Clock.virtual();
    private final IrqCore core = new IrqCore(log, clock, false, fs);

    @AfterEach
    void close() {
        core.close();
    }

    private int spi(long num, long flags) {
        IrqCore.Mapping m = core.map("/dev", 0, num, flags);
        assertThat(m.ok()).isTrue();
        return m.irq();
    }

    private boolean masked(int irq) {
        core.lock.lock();
        try {
            return !core.gic.enabled(core.desc(irq).hwirq);
        } finally {
            core.lock.unlock();
        }
    }

    private long count(int irq) {
        core.lock.lock();
        try {
            return core.desc(irq).count;
        } finally {
            core.lock.unlock();
        }
    }

    private void idle(int irq) {
        Await.until("irq " + irq + " idle", () -> {
            core.lock.lock();
            try {
                IrqDesc d = core.desc(irq);
                return !d.inProgress && d.threadsActive == 0 && core.gic.deliverable() < 0;
            } finally {
                core.lock.unlock();
            }
        });
    }

    @Test
    void specifiersMapToLinuxIrqsOnePerHwirq() {
        IrqCore.Mapping a = core.map("/a", 0, 34, 4);
        IrqCore.Mapping b = core.map("/b", 1, 9, 4);
        IrqCore.Mapping c = core.map("/c", 0, 34, 4);
        assertThat(a).isEqualTo(new IrqCore.Mapping(1, 66, null));
        assertThat(b).isEqualTo(new IrqCore.Mapping(2, 25, null));
        assertThat(c.irq()).isEqualTo(1);
        assertThat(fs.exists("/proc/irq/1/spurious")).isTrue();
        assertThat(fs.exists("/proc/irq/2/spurious")).isTrue();
    }

    @Test
    void badSpecifiersAreLoggedAndMapNothing() {
        assertThat(core.map("/x", 2, 1, 4).ok()).isFalse();
        assertThat(core.map("/x", 1, 16, 4).ok()).isFalse();
        assertThat(core.map("/x", 0, 988, 4).ok()).isFalse();
        assertThat(core.map("/x", 0, 1, 3).ok()).isFalse();
        assertThat(log.errors()).containsExactly(
                "irq: /x: interrupt type 2 (expected: 0 for an SPI or 1 for a PPI)",
                "irq: /x: interrupt 16 of type 1 (expected: PPI 0..15, SPI 0..987)",
                "irq: /x: interrupt 988 of type 0 (expected: PPI 0..15, SPI 0..987)",
                "irq: /x: trigger flags 0x3 (expected: 1, 2, 4 or 8)");
        assertThat(core.descs()).isEmpty();
    }

    @Test
    void aLevelLineFiresAgainAfterEoiWhileStillAsserted() {
        int irq = spi(1, 4);
        IrqLine line = core.line(core.desc(irq).hwirq);
        AtomicInteger calls = new AtomicInteger();
        core.request(irq, (i, dev) -> {
            if (calls.incrementAndGet() == 3) {
                line.lower();
            }
            return IrqReturn.HANDLED;
        }, null, 0, "lvl", null);
        line.raise();
        Await.until("three interrupts", () -> calls.get() == 3);
        idle(irq);
        assertThat(count(irq)).isEqualTo(3);
        assertThat(calls).hasValue(3);
    }

    @Test
    void anEdgeLatchesWhileTheLineIsDisabledAndFiresOnceOnEnable() {
        int irq = spi(2, 1);
        IrqLine line = core.line(core.desc(irq).hwirq);
        AtomicInteger calls = new AtomicInteger();
        core.request(irq, (i, dev) -> {
            calls.incrementAndGet();
            return IrqReturn.HANDLED;
        }, null, 0, "edge", null);
        core.disable(irq, true);
        line.pulse();
        line.pulse();
        assertThat(calls).hasValue(0);
        core.enable(irq);
        Await.until("the latched edge", () -> calls.get() == 1);
        idle(irq);
        assertThat(calls).hasValue(1);
        line.pulse();
        Await.until("a new edge", () -> calls.get() == 2);
    }

    @Test
    void anEdgeDuringTheHandlerFiresAgainAfterIt() throws InterruptedException {
        int irq = spi(3, 1);
        IrqLine line = core.line(core.desc(irq).hwirq);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        core.request(irq, (i, dev) -> {
            if (calls.incrementAndGet() == 1) {
                inside.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return IrqReturn.HANDLED;
        }, null, 0, "edge", null);
        line.pulse();
        inside.await();
        line.pulse();
        go.countDown();
        Await.until("the second edge", () -> calls.get() == 2);
        idle(irq);
        assertThat(calls).hasValue(2);
    }

    @Test
    void oneshotKeepsTheLineMaskedUntilTheThreadFunctionReturns() throws InterruptedException {
        int irq = spi(4, 4);
        IrqLine line = core.line(core.desc(irq).hwirq);
        CountDownLatch inThread = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<String> threadName = new AtomicReference<>();
        AtomicInteger hard = new AtomicInteger();
        core.request(irq, (i, dev) -> {
            hard.incrementAndGet();
            return IrqReturn.WAKE_THREAD;
        }, (i, dev) -> {
            threadName.set(Thread.currentThread().getName());
            inThread.countDown();
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            line.lower();
            return IrqReturn.HANDLED;
        }, IrqFlags.ONESHOT, "oneshot", null);
        line.raise();
        inThread.await();
        assertThat(masked(irq)).isTrue();
        assertThat(hard).hasValue(1);
        go.countDown();
        idle(irq);
        assertThat(masked(irq)).isFalse();
        assertThat(hard).hasValue(1);
        assertThat(threadName.get()).isEqualTo("irq/" + irq + "-oneshot");
    }

    @Test
    void aLevelStillAssertedAfterTheThreadFunctionFiresAgainOnUnmask() {
        int irq = spi(5, 4);
        IrqLine line = core.line(core.desc(irq).hwirq);
        AtomicInteger threaded = new AtomicInteger();
        core.request(irq, null, (i, dev) -> {
            if (threaded.incrementAndGet() == 2) {
                line.lower();
            }
            return IrqReturn.HANDLED;
        }, IrqFlags.ONESHOT, "refire", null);
        line.raise();
        Await.until("two thread runs", () -> threaded.get() == 2);
        idle(irq);
        assertThat(count(irq)).isEqualTo(2);
    }

    @Test
    void aNullHandlerNeedsOneshot() {
        int irq = spi(6, 4);
        assertThatThrownBy(() -> core.request(irq, null, (i, d) -> IrqReturn.HANDLED, 0, "nos", null))
                .isInstanceOf(ErrnoException.class).satisfies(e -> assertThat(((ErrnoException) e).errno())
                        .isEqualTo(Errno.EINVAL));
        assertThat(log.errors()).contains("Threaded irq requested with handler=NULL and !ONESHOT for nos (irq " + irq + ")");
    }

    @Test
    void aRequestNeedsAHandlerOrAThreadFunctionAndAMappedIrq() {
        int irq = spi(6, 4);
        assertThatThrownBy(() -> core.request(irq, null, null, 0, "x", null)).isInstanceOf(ErrnoException.class)
                .hasMessage("EINVAL: request_threaded_irq: irq=1 (expected: a handler or a thread function)");
        assertThatThrownBy(() -> core.request(99, (i, d) -> IrqReturn.HANDLED, null, 0, "x", null))
                .isInstanceOf(ErrnoException.class).hasMessage("EINVAL: request_threaded_irq: irq=99 (expected: a mapped IRQ, 1..1)");
    }

    @Test
    void sharedHandlersAllRunAndOneClaimingIsEnough() {
        int irq = spi(7, 4);
        IrqLine line = core.line(core.desc(irq).hwirq);
        Object devA = new Object();
        Object devB = new Object();
        List<Object> seen = new CopyOnWriteArrayList<>();
        core.request(irq, (i, dev) -> {
            seen.add(dev);
            return IrqReturn.NONE;
        }, null, IrqFlags.SHARED, "a", devA);
        core.request(irq, (i, dev) -> {
            seen.add(dev);
            line.lower();
            return IrqReturn.HANDLED;
        }, null, IrqFlags.SHARED, "b", devB);
        line.raise();
        Await.until("both handlers", () -> seen.size() == 2);
        idle(irq);
        assertThat(seen).containsExactly(devA, devB);
        assertThat(fs.read("/proc/irq/" + irq + "/spurious")).isEqualTo("count 0\nunhandled 0\nlast_unhandled 0 ms\n");
        assertThat(fs.read("/proc/interrupts")).contains("  a, b\n");
    }

    @Test
    void sharingNeedsBothToAgree() {
        int irq = spi(8, 4);
        core.request(irq, (i, d) -> IrqReturn.HANDLED, null, IrqFlags.SHARED, "first", new Object());
        assertThatThrownBy(() -> core.request(irq, (i, d) -> IrqReturn.HANDLED, null, 0, "second", new Object()))
                .isInstanceOf(ErrnoException.class).satisfies(e -> assertThat(((ErrnoException) e).errno())
                        .isEqualTo(Errno.EBUSY));
        assertThat(log.errors()).contains("Flags mismatch irq " + irq + ". 00000004 (second) vs. 00000084 (first)");
        assertThatThrownBy(() -> core.request(irq, (i, d) -> IrqReturn.HANDLED, null,
                IrqFlags.SHARED | IrqFlags.ONESHOT, "third", new Object())).isInstanceOf(ErrnoException.class);
    }

    @Test
    void aSharedRequestNeedsADevIdAndAutoEnable() {
        int irq = spi(9, 4);
        assertThatThrownBy(() -> core.request(irq, (i, d) -> IrqReturn.HANDLED, null, IrqFlags.SHARED, "x", null))
                .isInstanceOf(ErrnoException.class).hasMessageContaining("devId=null (expected: a devId for IRQF_SHARED)");
        assertThatThrownBy(() -> core.request(irq, (i, d) -> IrqReturn.HANDLED, null,
                IrqFlags.SHARED | IrqFlags.NO_AUTOEN, "x", new Object())).isInstanceOf(ErrnoException.class)
                .hasMessageContaining("not IRQF_SHARED with IRQF_NO_AUTOEN");
    }

    @Test
    void noAutoenKeepsTheLineOffUntilEnable() {
        int irq = spi(10, 4);
        IrqLine line = core.line(core.desc(irq).hwirq);
        AtomicInteger calls = new AtomicInteger();
        core.request(irq, (i, d) -> {
            calls.incrementAndGet();
            line.lower();
            return IrqReturn.HANDLED;
        }, null, IrqFlags.NO_AUTOEN, "late", null);
        line.raise();
        assertThat(masked(irq)).isTrue();
        core.enable(irq);
        Await.until("the interrupt", () -> calls.get() == 1);
    }

    @Test
    void disablesNestAndAnUnbalancedEnableWarns() {
        int irq = spi(11, 4);
        core.request(irq, (i, d) -> IrqReturn.HANDLED, null, 0, "nest", null);
        core.disable(irq, true);
        core.disable(irq, false);
        core.enable(irq);
        assertThat(masked(irq)).isTrue();
        core.enable(irq);
        assertThat(masked(irq)).isFalse();
        assertThatThrownBy(() -> core.enable(irq)).isInstanceOf(IllegalStateException.class)
                .hasMessage("enable_irq: irq=" + irq + " depth=0 (expected: a disabled IRQ)");
        assertThat(log.lines()).contains("------------[ cut here ]------------", "Unbalanced enable for IRQ " + irq);
        assertThat(log.lines().stream().filter(l -> l.startsWith("WARNING: CPU: 0 PID: 0 at io.jcma.devices.internal.IrqCoreTest")))
                .hasSize(1);
    }

    @Test
    void synchronizeIrqWaitsForARunningThreadFunction() throws InterruptedException {
        int irq = spi(12, 4);
        IrqLine line = core.line(core.desc(irq).hwirq);
        CountDownLatch inThread = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        core.request(irq, null, (i, d) -> {
            line.lower();
            inThread.countDown();
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finished.set(true);
            return IrqReturn.HANDLED;
        }, IrqFlags.ONESHOT, "sync", null);
        line.raise();
        inThread.await();
        AtomicBoolean synced = new AtomicBoolean();
        Thread t = new Thread(() -> {
            core.synchronize(irq);
            synced.set(finished.get());
        });
        t.start();
        Thread.sleep(20);
        assertThat(t.isAlive()).isTrue();
        go.countDown();
        Await.join(t);
        assertThat(synced).isTrue();
    }

    @Test
    void freeIrqWaitsForARunningHardHandler() throws InterruptedException {
        int irq = spi(13, 4);
        IrqLine line = core.line(core.desc(irq).hwirq);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean handlerDone = new AtomicBoolean();
        Object dev = new Object();
        core.request(irq, (i, d) -> {
            line.lower();
            inside.countDown();
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            handlerDone.set(true);
            return IrqReturn.HANDLED;
        }, null, 0, "busy", dev);
        line.raise();
        inside.await();
        AtomicBoolean freedAfter = new AtomicBoolean();
        Thread t = new Thread(() -> {
            core.free(irq, dev);
            freedAfter.set(handlerDone.get());
        });
        t.start();
        Thread.sleep(20);
        assertThat(t.isAlive()).isTrue();
        go.countDown();
        Await.join(t);
        assertThat(freedAfter).isTrue();
        assertThat(masked(irq)).isTrue();
        assertThat(fs.read("/proc/interrupts")).doesNotContain("busy");
    }

    @Test
    void freeIrqStopsTheThreadAfterAPendingRun() {
        int irq = spi(14, 4);
        Object dev = new Object();
        AtomicReference<Thread> th = new AtomicReference<>();
        core.request(irq, null, (i, d) -> {
            th.set(Thread.currentThread());
            return IrqReturn.HANDLED;
        }, IrqFlags.ONESHOT, "stopme", dev);
        IrqLine line = core.line(core.desc(irq).hwirq);
        line.raise();
        Await.until("the thread ran", () -> th.get() != null);
        line.lower();
        core.free(irq, dev);
        assertThat(th.get().isAlive()).isFalse();
    }

    @Test
    void freeingWhatWasNotRequestedWarns() {
        int irq = spi(15, 4);
        assertThatThrownBy(() -> core.free(irq, "nobody")).isInstanceOf(IllegalStateException.class)
                .hasMessage("free_irq: irq=" + irq + " devId=nobody (expected: an action requested with that devId)");
        assertThat(log.lines()).contains("Trying to free already-free IRQ " + irq);
    }

    @Test
    void freeIrqFromItsOwnHandlerIsRefusedNotADeadlock() {
        int irq = spi(16, 4);
        IrqLine line = core.line(core.desc(irq).hwirq);
        Object dev = new Object();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        core.request(irq, (i, d) -> {
            line.lower();
            try {
                core.free(i, d);
            } catch (IllegalStateException e) {
                thrown.set(e);
            }
            return IrqReturn.HANDLED;
        }, null, 0, "self", dev);
        line.raise();
        Await.until("the handler ran", () -> thrown.get() != null);
        assertThat(thrown.get()).hasMessageContaining("from a hard interrupt handler of that IRQ");
    }

    @Test
    void unhandledInterruptsAreCountedAsNoteInterruptDoes() {
        int irq = spi(17, 1);
        IrqLine line = core.line(core.desc(irq).hwirq);
        AtomicInteger calls = new AtomicInteger();
        core.request(irq, (i, d) -> {
            calls.incrementAndGet();
            return IrqReturn.NONE;
        }, null, 0, "deaf", null);
        clock.advance(5_000_000);
        for (int k = 1; k <= 3; k++) {
            line.pulse();
            int want = k;
            Await.until("interrupt " + k, () -> calls.get() == want);
            idle(irq);
        }
        assertThat(fs.read("/proc/irq/" + irq + "/spurious")).isEqualTo("count 3\nunhandled 3\nlast_unhandled 5 ms\n");
    }

    @Test
    void aStuckLevelLineNobodyClaimsIsDisabledAfter99900Of100000() {
        int irq = spi(18, 4);
        IrqLine line = core.line(core.desc(irq).hwirq);
        AtomicInteger calls = new AtomicInteger();
        core.request(irq, (i, d) -> {
            calls.incrementAndGet();
            return IrqReturn.NONE;
        }, null, 0, "stuck", null);
        line.raise();
        Await.until("the line is disabled", () -> log.lines().contains("Disabling IRQ #" + irq));
        idle(irq);
        assertThat(calls).hasValue(100_000);
        assertThat(log.errors()).contains("irq " + irq + ": nobody cared (try booting with the \"irqpoll\" option)",
                "handlers:");
        assertThat(masked(irq)).isTrue();
        assertThat(fs.read("/proc/irq/" + irq + "/spurious")).startsWith("count 0\nunhandled 0\n");
        assertThat(fs.read("/proc/interrupts")).contains("     100000     GICv3  50 Level     stuck\n");
    }

    @Test
    void aHandlerThatThrowsIsWarnedCountedUnhandledAndTheCpuGoesOn() {
        int irq = spi(19, 1);
        IrqLine line = core.line(core.desc(irq).hwirq);
        AtomicInteger calls = new AtomicInteger();
        core.request(irq, (i, d) -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("driver bug");
            }
            return IrqReturn.HANDLED;
        }, null, 0, "buggy", null);
        line.pulse();
        Await.until("the first interrupt", () -> calls.get() == 1);
        line.pulse();
        Await.until("the second interrupt", () -> calls.get() == 2);
        idle(irq);
        assertThat(core.handlerBugs.sum()).isEqualTo(1);
        assertThat(fs.read("/proc/irq/" + irq + "/spurious")).startsWith("count 2\nunhandled 1\n");
        assertThat(log.lines()).anyMatch(l -> l.startsWith("WARNING: CPU: 0 PID: 0 at io.jcma.devices.internal.IrqCoreTest")
                && l.endsWith(": irq " + irq + " handler of buggy threw"));
        assertThat(log.lines()).contains("java.lang.IllegalStateException: driver bug");
    }

    @Test
    void aThreadFunctionThatThrowsLeavesItsThreadUsable() {
        int irq = spi(20, 1);
        IrqLine line = core.line(core.desc(irq).hwirq);
        AtomicInteger calls = new AtomicInteger();
        core.request(irq, null, (i, d) -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalArgumentException("thread bug");
            }
            return IrqReturn.HANDLED;
        }, IrqFlags.ONESHOT, "tbug", null);
        line.pulse();
        Await.until("the first run", () -> calls.get() == 1);
        idle(irq);
        line.pulse();
        Await.until("the second run", () -> calls.get() == 2);
        idle(irq);
        assertThat(masked(irq)).isFalse();
        assertThat(core.handlerBugs.sum()).isEqualTo(1);
    }

    @Test
    void wakeThreadWithoutAThreadFunctionWarnsOnce() {
        int irq = spi(21, 1);
        IrqLine line = core.line(core.desc(irq).hwirq);
        AtomicInteger calls = new AtomicInteger();
        core.request(irq, (i, d) -> {
            calls.incrementAndGet();
            return IrqReturn.WAKE_THREAD;
        }, null, 0, "nothread", null);
        line.pulse();
        Await.until("one", () -> calls.get() == 1);
        line.pulse();
        Await.until("two", () -> calls.get() == 2);
        idle(irq);
        assertThat(log.lines().stream().filter(l -> l.equals("IRQ " + irq
                + " device nothread returned IRQ_WAKE_THREAD but no thread function available."))).hasSize(1);
    }

    @Test
    void aRequestedPolarityAgainstTheWireFiresWhileTheDeviceIsIdle() {
        int irq = spi(22, 4);
        AtomicInteger calls = new AtomicInteger();
        core.request(irq, (i, d) -> {
            calls.incrementAndGet();
            core.disable(i, false);
            return IrqReturn.HANDLED;
        }, null, IrqFlags.TRIGGER_LOW, "inverted", null);
        Await.until("an interrupt from an idle device", () -> calls.get() == 1);
        assertThat(fs.read("/proc/interrupts")).contains("GICv3  54 Level     inverted");
    }

    @Test
    void procInterruptsHasTheKernelsLayout() {
        int a = spi(32, 4);
        int b = spi(33, 1);
        spi(40, 4);
        core.request(a, (i, d) -> IrqReturn.HANDLED, null, 0, "gpu", null);
        core.request(b, (i, d) -> IrqReturn.HANDLED, null, 0, "codec", null);
        IrqLine lb = core.line(core.desc(b).hwirq);
        lb.pulse();
        Await.until("the edge", () -> count(b) == 1);
        assertThat(fs.read("/proc/interrupts")).isEqualTo(
                "           CPU0       \n"
                        + "  1:          0     GICv3  64 Level     gpu\n"
                        + "  2:          1     GICv3  65 Edge      codec\n");
    }
}

package io.jcma.devices.drivers.testcounter;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.devices.drivers.IrqFlags;
import io.jcma.devices.drivers.IrqReturn;
import io.jcma.devices.drivers.PlatformDevice;
import io.jcma.devices.drivers.PlatformDriver;
import io.jcma.devices.hw.Mmio;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.jcma.devices.hw.testcounter.TestCounterLayout.*;

/**
 * The driver of the test counter, written as a kernel driver is: it touches the device only
 * through its registers and interrupt. Threaded (ONESHOT, no primary handler) or a hard
 * handler, shared or not, as constructed.
 */
public class TestCounterDriver implements PlatformDriver {
    /** Per-device state (drvdata). */
    public static final class Counter {
        public final Mmio regs;
        public final int irq;
        /** Events the handler saw (EVENTS deltas). */
        public final AtomicLong events = new AtomicLong();
        /** Interrupts the handler claimed. */
        public final AtomicLong handled = new AtomicLong();
        /** Interrupts the handler found nothing in. */
        public final AtomicLong none = new AtomicLong();
        private long last;

        Counter(Mmio regs, int irq) {
            this.regs = regs;
            this.irq = irq;
        }

        synchronized IrqReturn handle() {
            int status = regs.readl(STATUS);
            if ((status & DONE) == 0) {
                none.incrementAndGet();
                return IrqReturn.NONE;
            }
            regs.writel(DONE, STATUS);
            long now = Integer.toUnsignedLong(regs.readl(EVENTS));
            events.addAndGet(now - last);
            last = now;
            handled.incrementAndGet();
            return IrqReturn.HANDLED;
        }
    }

    private final String name;
    private final boolean threaded;
    private final boolean shared;

    public TestCounterDriver() {
        this("test-counter", false, false);
    }

    public TestCounterDriver(String name, boolean threaded, boolean shared) {
        this.name = name;
        this.threaded = threaded;
        this.shared = shared;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> ofMatchTable() {
        return List.of(COMPATIBLE);
    }

    @Override
    public void probe(PlatformDevice pdev) {
        Mmio regs = pdev.ioremap(0);
        if (regs.readl(ID) != ID_VALUE) {
            throw new ErrnoException(Errno.ENODEV, "id: 0x" + Integer.toHexString(regs.readl(ID)));
        }
        Counter c = new Counter(regs, pdev.getIrq(0));
        pdev.setDrvdata(c);
        long flags = shared ? IrqFlags.SHARED : 0;
        if (threaded) {
            pdev.requestThreadedIrq(c.irq, null, (irq, dev) -> c.handle(), flags | IrqFlags.ONESHOT, name, c);
        } else {
            pdev.requestThreadedIrq(c.irq, (irq, dev) -> c.handle(), null, flags, name, c);
        }
        regs.writel(regs.readl(CTRL) | CTRL_EN, CTRL);
        regs.writel(DONE, ENABLE);
        probed(pdev, c);
    }

    /** Hook for test subclasses, after a successful probe. */
    protected void probed(PlatformDevice pdev, Counter c) {
    }

    @Override
    public void remove(PlatformDevice pdev) {
        Counter c = pdev.drvdata(Counter.class);
        c.regs.writel(0, ENABLE);
        c.regs.writel(c.regs.readl(CTRL) & ~CTRL_EN, CTRL);
    }
}

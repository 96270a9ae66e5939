package io.jcma.devices.internal;

import io.jcma.cma.of.DeviceNode;
import io.jcma.cma.fdt.FdtNode;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.devices.drivers.DriverCore;
import io.jcma.devices.drivers.IrqHandler;
import io.jcma.devices.drivers.PlatformDevice;
import io.jcma.devices.drivers.PlatformDriver;
import io.jcma.devices.hw.Clock;
import io.jcma.devices.hw.Mmio;
import io.jcma.devices.hw.internal.MmioWindow;
import io.jcma.dma.Device;
import io.jcma.dma.Dma;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * struct platform_device (drivers/base/platform.c) with its devres list (drivers/base/devres.c):
 * the resources a driver took through the devm helpers, released in reverse order when it
 * unbinds or its probe fails.
 */
final class PlatformDeviceImpl implements PlatformDevice {
    /** One managed resource: what it is, and how it goes back. */
    private record Devres(String what, Runnable release, int irq, Object devId) {
    }

    private final BoardImpl board;
    private final OfPlatform.OfDevice of;
    private final Device dev;
    /** The Linux IRQ of each interrupts entry; -1 where the entry did not map. */
    private final List<Integer> irqs;
    /** device_lock(): held through probe and remove. */
    final ReentrantLock lock = new ReentrantLock();
    private final List<Devres> devres = new ArrayList<>();
    private volatile PlatformDriver driver;
    private Object drvdata;

    PlatformDeviceImpl(BoardImpl board, OfPlatform.OfDevice of, Device dev, List<Integer> irqs) {
        this.board = board;
        this.of = of;
        this.dev = dev;
        this.irqs = List.copyOf(irqs);
    }

    @Override
    public String name() {
        return of.name();
    }

    String devpath() {
        return of.devpath();
    }

    @Override
    public DeviceNode ofNode() {
        return of.node();
    }

    @Override
    public Device dev() {
        return dev;
    }

    @Override
    public Dma dma() {
        return board.dma();
    }

    @Override
    public Clock clock() {
        return board.clock();
    }

    @Override
    public DriverCore core() {
        return board.drivers();
    }

    PlatformDriver driver() {
        return driver;
    }

    void setDriver(PlatformDriver d) {
        driver = d;
    }

    @Override
    public Optional<String> driverName() {
        PlatformDriver d = driver;
        return d == null ? Optional.empty() : Optional.of(d.name());
    }

    /** dev_printk()'s prefix: the driver's name (the bus's while unbound) and the device's. */
    private String prefix() {
        PlatformDriver d = driver;
        return (d == null ? "platform" : d.name()) + " " + name() + ": ";
    }

    private void add(Devres r) {
        synchronized (devres) {
            devres.add(r);
        }
    }

    /** devres_release_all(): newest first; a release that throws is warned about and the rest go on. */
    void releaseAll() {
        List<Devres> all;
        synchronized (devres) {
            all = new ArrayList<>(devres);
            devres.clear();
        }
        Collections.reverse(all);
        for (Devres r : all) {
            try {
                r.release().run();
            } catch (RuntimeException e) {
                KernelWarn.warn(board.machine().log(), name() + ": devres release of " + r.what() + " threw", e);
            }
        }
        drvdata = null;
    }

    @Override
    public Mmio ioremap(int index) {
        List<FdtNode.Reg> reg = of.node().reg();
        if (index < 0 || index >= reg.size()) {
            err("invalid resource (null)");
            throw new ErrnoException(Errno.EINVAL, "ioremap: index=" + index + " (expected: 0.." + (reg.size() - 1)
                    + ", the entries of " + of.node().path() + "'s reg)");
        }
        FdtNode.Reg r = reg.get(index);
        String res = String.format("[mem 0x%08x-0x%08x]", r.address(), r.address() + r.size() - 1);
        if (!board.requestRegion(r.address(), r.size())) {
            err("can't request region for resource " + res);
            throw new ErrnoException(Errno.EBUSY, "ioremap: index=" + index + " " + res + " (expected: a region no"
                    + " driver has mapped)");
        }
        MmioWindow w = board.window(name(), r.address(), r.size());
        add(new Devres("ioremap " + res, () -> {
            w.unmap();
            board.releaseRegion(r.address(), r.size());
        }, 0, null));
        return w;
    }

    @Override
    public int getIrq(int index) {
        if (index < 0 || index >= irqs.size()) {
            err("error -ENXIO: IRQ index " + index + " not found");
            throw new ErrnoException(Errno.ENXIO, "platform_get_irq: index=" + index + " (expected: 0.."
                    + (irqs.size() - 1) + ", the entries of " + of.node().path() + "'s interrupts)");
        }
        int irq = irqs.get(index);
        if (irq < 0) {
            err("error -EINVAL: IRQ index " + index + " not found");
            throw new ErrnoException(Errno.EINVAL, "platform_get_irq: index=" + index + " (its interrupts entry does"
                    + " not map; see the boot log)");
        }
        return irq;
    }

    @Override
    public void requestThreadedIrq(int irq, IrqHandler handler, IrqHandler threadFn, long flags, String name,
                                   Object devId) {
        String n = name == null ? name() : name;
        board.irq().request(irq, handler, threadFn, flags, n, devId);
        add(new Devres("irq " + irq, () -> board.irq().free(irq, devId), irq, devId));
    }

    /** Also devm_free_irq(): the managed entry goes with it. */
    @Override
    public void freeIrq(int irq, Object devId) {
        board.irq().free(irq, devId);
        synchronized (devres) {
            for (int i = devres.size() - 1; i >= 0; i--) {
                Devres r = devres.get(i);
                if (r.what().equals("irq " + irq) && r.devId() == devId) {
                    devres.remove(i);
                    break;
                }
            }
        }
    }

    @Override
    public void disableIrq(int irq) {
        board.irq().disable(irq, true);
    }

    @Override
    public void disableIrqNosync(int irq) {
        board.irq().disable(irq, false);
    }

    @Override
    public void enableIrq(int irq) {
        board.irq().enable(irq);
    }

    @Override
    public void synchronizeIrq(int irq) {
        board.irq().synchronize(irq);
    }

    @Override
    public void devmAddAction(Runnable action) {
        Objects.requireNonNull(action, "action");
        add(new Devres("action " + action, action, 0, null));
    }

    @Override
    public void setDrvdata(Object data) {
        drvdata = data;
    }

    @Override
    public <T> T drvdata(Class<T> type) {
        Object d = drvdata;
        if (d == null) {
            throw new IllegalStateException("drvdata: none set on " + name() + " (expected: platform_set_drvdata in probe)");
        }
        if (!type.isInstance(d)) {
            throw new IllegalStateException("drvdata: a " + d.getClass().getName() + " on " + name() + " (expected: a "
                    + type.getName() + ")");
        }
        return type.cast(d);
    }

    @Override
    public void info(String message) {
        board.machine().log().info(prefix() + message);
    }

    @Override
    public void warn(String message) {
        board.machine().log().warn(prefix() + message);
    }

    @Override
    public void err(String message) {
        board.machine().log().err(prefix() + message);
    }

    @Override
    public void dbg(String message) {
        board.machine().log().debug(prefix() + message);
    }

    @Override
    public String toString() {
        return name();
    }
}

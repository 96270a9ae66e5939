package io.jcma.devices.internal;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.devices.drivers.DriverCore;
import io.jcma.devices.drivers.PlatformDevice;
import io.jcma.devices.drivers.PlatformDriver;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The platform bus of one board: drivers/base/driver.c (driver_register), dd.c
 * (driver_attach, really_probe, device_release_driver) and bus.c (bind_store, unbind_store),
 * with platform.c's match by {@code of_match_table}.
 *
 * <h2>Probe (really_probe)</h2>
 * dev->driver is set and the DMA layer told (so DMA-API debug names the driver), probe runs
 * under the device lock; if it throws, the resources it managed are released newest first,
 * the DMA layer unbinds the device (jcma reports the DMA memory a failed probe leaked; Linux's
 * DMA-API debug checks only at unbind), and the failure is logged as 6.12 logs it: "probe with
 * driver %s failed with error %d" (dev_err; ENODEV and ENXIO only at debug level, "rejects
 * match"). Kernels before 6.10 printed "probe of %s failed with error %d" instead. A probe that
 * throws anything but an ErrnoException is a driver bug: warned about, and failed as -EIO.
 *
 * <h2>Unbind (device_release_driver)</h2>
 * remove(), then the managed resources newest first, then the DMA layer's own (dmam_*) and its
 * leak report, as BUS_NOTIFY_UNBOUND_DRIVER runs dma_debug_device_change() last.
 */
final class DriverCoreImpl implements DriverCore {
    private final BoardImpl board;
    private final KernelLog log;
    private final List<PlatformDeviceImpl> devices;
    private final List<PlatformDriver> drivers = new ArrayList<>();
    private final Map<Class<?>, Object> subsystems = new HashMap<>();
    private final PlatformSysfs sysfs;

    DriverCoreImpl(BoardImpl board, List<PlatformDeviceImpl> devices, PlatformSysfs sysfs) {
        this.board = board;
        this.log = board.machine().log();
        this.devices = List.copyOf(devices);
        this.sysfs = sysfs;
    }

    /** of_driver_match_device(): does any compatible of the node appear in the driver's table? */
    static boolean matches(PlatformDriver drv, PlatformDevice dev) {
        List<String> table = drv.ofMatchTable();
        return table != null && dev.ofNode().compatible().stream().anyMatch(table::contains);
    }

    @Override
    public void register(PlatformDriver driver) {
        if (driver == null || driver.name() == null || driver.name().isBlank()) {
            throw new IllegalArgumentException("driver: " + driver + " (expected: a driver with a name)");
        }
        synchronized (this) {
            for (PlatformDriver d : drivers) {
                if (d.name().equals(driver.name())) {
                    log.err("Error: Driver '" + driver.name() + "' is already registered, aborting...");
                    throw new IllegalStateException("register: driver=" + driver.name()
                            + " (expected: a name no registered driver has)");
                }
            }
            drivers.add(driver);
        }
        sysfs.addDriver(this, driver);
        for (PlatformDeviceImpl dev : devices) {
            if (!matches(driver, dev)) {
                continue;
            }
            dev.lock.lock();
            try {
                if (dev.driver() == null) {
                    reallyProbe(dev, driver);
                }
            } finally {
                dev.lock.unlock();
            }
        }
    }

    @Override
    public void unregister(PlatformDriver driver) {
        synchronized (this) {
            if (!drivers.contains(driver)) {
                log.warn("Unexpected driver unregister!");
                return;
            }
        }
        for (PlatformDeviceImpl dev : devices) {
            dev.lock.lock();
            try {
                if (dev.driver() == driver) {
                    release(dev);
                }
            } finally {
                dev.lock.unlock();
            }
        }
        synchronized (this) {
            drivers.remove(driver);
        }
        sysfs.removeDriver(driver);
    }

    /** really_probe(); the device lock is held and the device is unbound. Returns the errno, or null. */
    private Errno reallyProbe(PlatformDeviceImpl dev, PlatformDriver drv) {
        dev.setDriver(drv);
        board.dma().bind(dev.dev(), drv.name());
        Errno failed = null;
        try {
            drv.probe(dev);
        } catch (ErrnoException e) {
            failed = e.errno();
        } catch (RuntimeException e) {
            KernelWarn.warn(log, drv.name() + " " + dev.name() + ": probe threw", e);
            failed = Errno.EIO;
        }
        if (failed == null) {
            log.debug("driver: '" + drv.name() + "': driver_bound: bound to device '" + dev.name() + "'");
            sysfs.bound(dev, drv);
            return null;
        }
        if (failed == Errno.ENODEV || failed == Errno.ENXIO) {
            log.debug(drv.name() + " " + dev.name() + ": probe with driver " + drv.name() + " rejects match "
                    + failed.ret());
        } else {
            log.err(drv.name() + " " + dev.name() + ": probe with driver " + drv.name() + " failed with error "
                    + failed.ret());
        }
        dev.releaseAll();
        board.dma().unbind(dev.dev());
        dev.setDriver(null);
        return failed;
    }

    /** device_release_driver(); the device lock is held and a driver is bound. */
    private void release(PlatformDeviceImpl dev) {
        PlatformDriver drv = dev.driver();
        sysfs.unbound(dev, drv);
        try {
            drv.remove(dev);
        } catch (RuntimeException e) {
            KernelWarn.warn(log, drv.name() + " " + dev.name() + ": remove threw", e);
        }
        dev.releaseAll();
        board.dma().unbind(dev.dev());
        dev.setDriver(null);
    }

    @Override
    public List<PlatformDevice> devices() {
        return List.copyOf(devices);
    }

    List<PlatformDeviceImpl> all() {
        return devices;
    }

    @Override
    public Optional<PlatformDevice> device(String name) {
        return devices.stream().filter(d -> d.name().equals(name)).map(d -> (PlatformDevice) d).findFirst();
    }

    @Override
    public List<PlatformDevice> compatible(String compatible) {
        return devices.stream().filter(d -> d.ofNode().isCompatible(compatible)).map(d -> (PlatformDevice) d).toList();
    }

    @Override
    public synchronized List<PlatformDriver> drivers() {
        return List.copyOf(drivers);
    }

    private synchronized Optional<PlatformDriver> driver(String name) {
        return drivers.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    private PlatformDeviceImpl own(PlatformDevice dev) {
        for (PlatformDeviceImpl d : devices) {
            if (d == dev) {
                return d;
            }
        }
        throw new ErrnoException(Errno.ENODEV, "device: " + dev + " (expected: a device of this board)");
    }

    @Override
    public void bind(PlatformDevice dev, String driverName) {
        PlatformDriver drv = driver(driverName).orElse(null);
        PlatformDeviceImpl d = dev == null ? null : own(dev);
        if (d == null || drv == null || !matches(drv, d)) {
            throw new ErrnoException(Errno.ENODEV, "bind: device=" + (dev == null ? null : dev.name()) + " driver="
                    + driverName + " (expected: a registered driver whose of_match_table has one of the device's"
                    + " compatibles)");
        }
        d.lock.lock();
        try {
            if (d.driver() != null) {
                throw new ErrnoException(Errno.EBUSY, "bind: device=" + d.name() + " is bound to driver="
                        + d.driver().name());
            }
            Errno e = reallyProbe(d, drv);
            if (e != null) {
                throw new ErrnoException(e, "bind: device=" + d.name() + " driver=" + driverName + ": probe failed with "
                        + e.ret());
            }
        } finally {
            d.lock.unlock();
        }
    }

    @Override
    public void unbind(PlatformDevice dev) {
        PlatformDeviceImpl d = own(dev);
        d.lock.lock();
        try {
            if (d.driver() == null) {
                throw new ErrnoException(Errno.ENODEV, "unbind: device=" + d.name() + " (expected: a bound device)");
            }
            release(d);
        } finally {
            d.lock.unlock();
        }
    }

    /** unbind_store(): only the named driver's own device. */
    void unbindFrom(String deviceName, PlatformDriver drv) {
        PlatformDeviceImpl d = devices.stream().filter(x -> x.name().equals(deviceName)).findFirst().orElse(null);
        if (d == null) {
            throw new ErrnoException(Errno.ENODEV, "unbind: device=" + deviceName + " (expected: a platform device)");
        }
        d.lock.lock();
        try {
            if (d.driver() != drv) {
                throw new ErrnoException(Errno.ENODEV, "unbind: device=" + deviceName + " (expected: a device bound to "
                        + drv.name() + ")");
            }
            release(d);
        } finally {
            d.lock.unlock();
        }
    }

    @Override
    public <T> T subsystem(Class<T> type, Function<DriverCore, T> factory) {
        synchronized (subsystems) {
            Object s = subsystems.get(type);
            if (s == null) {
                s = factory.apply(this);
                if (!type.isInstance(s)) {
                    throw new IllegalArgumentException("subsystem: the factory made a " + (s == null ? null
                            : s.getClass().getName()) + " (expected: a " + type.getName() + ")");
                }
                subsystems.put(type, s);
            }
            return type.cast(s);
        }
    }

    /** Unregisters every driver, newest first (board close). */
    void unregisterAll() {
        List<PlatformDriver> all = drivers();
        for (int i = all.size() - 1; i >= 0; i--) {
            unregister(all.get(i));
        }
    }
}

package io.jcma.dma.internal;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Mirrors the parts of drivers/base the DMA layer needs: device_add()'s unique names
 * (drivers/base/core.c), driver binding and device_release_driver() (dd.c) with
 * devres_release_all() (devres.c), and the BUS_NOTIFY_UNBOUND_DRIVER notifier through which
 * DMA-API debug reports what a driver leaked.
 */
final class DriverCore {
    private final DmaImpl layer;
    private final List<DeviceImpl> devices = new CopyOnWriteArrayList<>();

    DriverCore(DmaImpl layer) {
        this.layer = layer;
    }

    /**
     * device_add().
     *
     * @throws IllegalArgumentException if a device of the layer has that name
     */
    DeviceImpl add(DeviceImpl d) {
        for (DeviceImpl o : devices) {
            if (o.name().equals(d.name())) {
                throw new IllegalArgumentException("name: " + d.name() + " (expected: unique; a device has it)");
            }
        }
        devices.add(d);
        return d;
    }

    /** device_bind_driver() under device_lock(). */
    void bind(DeviceImpl di, String driver) {
        if (driver == null || driver.isEmpty()) {
            throw new IllegalArgumentException("driver: " + driver + " (expected: a name)");
        }
        synchronized (di.deviceLock) {
            if (di.bound()) {
                throw new ErrnoException(Errno.EBUSY, "bind: device=" + di.name() + " already has driver=" + di.driverName());
            }
            di.setDriver(driver);
        }
    }

    /**
     * device_release_driver() under device_lock(): managed buffers and pools go, newest first,
     * then DMA-API debug reports what is still mapped or allocated.
     */
    void unbind(DeviceImpl di) {
        synchronized (di.deviceLock) {
            if (!di.bound()) {
                throw new IllegalStateException("unbind: device=" + di.name() + " has no driver");
            }
            for (Object o : di.devresTakeAll()) {
                if (o instanceof DmaBufferImpl b && !b.freed) {
                    layer.release(b);
                    if (b.debugTracked) {
                        layer.debugImpl().freeCoherent(di, b.size, b.dma, b.phys());
                    }
                } else if (o instanceof DmaPoolImpl p && !p.destroyed()) {
                    p.destroy();
                }
            }
            layer.debugImpl().unbound(di);
            di.setDriver(null);
        }
    }
}

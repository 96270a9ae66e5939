package io.jcma.devices.drivers;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The platform bus of one board (drivers/base/platform.c, dd.c): its devices, populated from
 * the device tree, and the drivers registered on it.
 */
public interface DriverCore {

    /**
     * platform_driver_register(): binds the driver to every unbound device it matches.
     *
     * @throws IllegalStateException if a driver of that name is registered
     */
    void register(PlatformDriver driver);

    /** platform_driver_unregister(): unbinds it from every device, then forgets it. */
    void unregister(PlatformDriver driver);

    /** The devices, in device-tree order. */
    List<PlatformDevice> devices();

    /** The device named {@code name}. */
    Optional<PlatformDevice> device(String name);

    /** The devices whose node is compatible with {@code compatible}. */
    List<PlatformDevice> compatible(String compatible);

    /** The registered drivers. */
    List<PlatformDriver> drivers();

    /**
     * What {@code echo DEVICE > /sys/bus/platform/drivers/DRIVER/bind} does.
     *
     * @throws io.jcma.cma.kernel.ErrnoException ENODEV if no such device or the driver does not
     *                                           match it, EBUSY if it is bound, and the probe's
     *                                           own errno if probe fails
     */
    void bind(PlatformDevice dev, String driverName);

    /**
     * What {@code echo DEVICE > .../unbind} does: remove, then managed resources, then the DMA
     * layer's leak report.
     *
     * @throws io.jcma.cma.kernel.ErrnoException ENODEV if no driver is bound
     */
    void unbind(PlatformDevice dev);

    /**
     * The core's instance of a subsystem (the dmaengine core, DRM, V4L2), created on first use
     * by {@code factory}: how a driver finds the subsystem it registers with.
     */
    <T> T subsystem(Class<T> type, Function<DriverCore, T> factory);
}

package io.jcma.devices.drivers;

import java.util.List;

/**
 * Built-in drivers, as the kernel's module_platform_driver() registers them at boot: found
 * with {@link java.util.ServiceLoader} (a module's {@code provides}, plus a
 * {@code META-INF/services/io.jcma.devices.drivers.DriverProvider} file for the class path),
 * and registered by every board that boots with {@code builtinDrivers} on.
 */
public interface DriverProvider {

    /**
     * New driver instances for one board; called once per boot, so a driver may keep
     * per-board state in its fields.
     */
    List<PlatformDriver> drivers();
}

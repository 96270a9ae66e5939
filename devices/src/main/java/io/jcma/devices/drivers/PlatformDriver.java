package io.jcma.devices.drivers;

import io.jcma.cma.kernel.ErrnoException;

import java.util.List;

/** struct platform_driver: what a driver gives the platform bus. */
public interface PlatformDriver {

    /** driver.name: the directory under /sys/bus/platform/drivers/. */
    String name();

    /** driver.of_match_table: the compatible strings it binds to. */
    List<String> ofMatchTable();

    /**
     * probe(): takes the device. Resources it acquired through the device's devm helpers are
     * released if it throws.
     *
     * @throws ErrnoException with the errno the kernel's probe would return (ENODEV, ENOMEM,
     *                        EIO, EPROBE_DEFER is not modelled)
     */
    void probe(PlatformDevice pdev);

    /** remove(): gives the device back; managed resources are released after it returns. */
    void remove(PlatformDevice pdev);
}

/**
 * The kernel side of the bus, as drivers/base is: the platform bus that binds drivers to
 * devices by {@code compatible}, probe and remove, managed (devm) resources released at unbind,
 * interrupts requested as threaded IRQs, and the kernel primitives drivers wait with.
 *
 * <h2>A driver's life</h2>
 * <ol>
 *   <li>{@link io.jcma.devices.drivers.DriverCore#register} (platform_driver_register): the core
 *       matches the driver's of_match_table against every unbound device, most specific
 *       compatible first, and probes each match.</li>
 *   <li>{@link io.jcma.devices.drivers.PlatformDriver#probe}: the driver maps its registers
 *       ({@link io.jcma.devices.drivers.PlatformDevice#ioremap}), requests its interrupts, sets
 *       its DMA masks and allocates its DMA memory through the DMA API with
 *       {@link io.jcma.devices.drivers.PlatformDevice#dev()}, devm-managed where it likes. A
 *       probe that throws an {@link io.jcma.cma.kernel.ErrnoException} leaves the device
 *       unbound with everything it managed released, and the core logs
 *       "probe with driver %s failed with error %d", as 6.12's call_driver_probe() does
 *       (ENODEV and ENXIO only at debug level; kernels before 6.10 printed "probe of %s failed
 *       with error %d"). Built-in drivers come from
 *       {@link io.jcma.devices.drivers.DriverProvider} services.</li>
 *   <li>Unbind (driver removal, {@code echo NAME > .../unbind}, board close):
 *       {@link io.jcma.devices.drivers.PlatformDriver#remove}, then managed resources in
 *       reverse order (IRQs freed, coherent buffers and mappings released), then DMA-API debug
 *       reports what is still mapped as the kernel does at driver unbind.</li>
 * </ol>
 * The shell shows it the kernel's way: {@code /sys/bus/platform/devices/NAME/} (driver,
 * of_node/compatible, modalias, uevent), {@code /sys/bus/platform/drivers/DRIVER/{bind,unbind}},
 * {@code /proc/interrupts} and {@code /proc/irq/N/spurious}. The DMA layer's own managed
 * resources (dmam_*) go after the driver's devres, then DMA-API debug reports leaks; a failed
 * probe is checked for leaks too (Linux checks only at unbind).
 *
 * <h2>Interrupts</h2>
 * {@link io.jcma.devices.drivers.PlatformDevice#requestThreadedIrq} as request_threaded_irq():
 * the hard handler runs on the board's interrupt dispatch thread (the CPU taking the interrupt),
 * returns {@link io.jcma.devices.drivers.IrqReturn#WAKE_THREAD} to run the thread function on
 * the IRQ's own thread ("irq/N-name"); with {@code IRQF_ONESHOT} the line stays masked until
 * the thread function returns. A level-triggered line still asserted after that fires again. An
 * interrupt no handler claims (every one returned NONE) is counted as unhandled, as
 * note_interrupt() does.
 */
package io.jcma.devices.drivers;

/**
 * A booted board with its devices: {@link io.jcma.devices.Board} boots a platform (device tree
 * and command line) with the DMA API, creates a device model for every node a
 * {@link io.jcma.devices.hw.DeviceModelProvider} knows, wires its registers, interrupts and
 * view of memory, and binds the drivers registered for it, as of_platform_populate() and the
 * platform bus do at boot.
 *
 * <h2>Packages</h2>
 * <ul>
 *   <li>{@code io.jcma.devices.hw}: the hardware side (registers, interrupt lines, the device's
 *       view of memory, device threads, clocks) and the handles a driver plugs into;
 *       {@code io.jcma.devices.hw.<kind>}: the models, as QEMU's hw/dma, hw/display.</li>
 *   <li>{@code io.jcma.devices.drivers}: the kernel side (platform bus, probe/remove, devres,
 *       threaded IRQs); {@code io.jcma.devices.drivers.<subsystem>}: the subsystems and the
 *       drivers, as drivers/dma, drivers/gpu/drm, drivers/media.</li>
 * </ul>
 * A driver imports from {@code io.jcma.devices.hw} only the bus handles and the layouts of its
 * device, never a model: a test that swaps a model for a stricter or a broken one
 * ({@link io.jcma.devices.BoardOptions.Builder#model}) needs no driver change.
 */
package io.jcma.devices;

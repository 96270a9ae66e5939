/**
 * The hardware side of the bus, as QEMU's hw/ is: what a device model is made of and the handles
 * a driver plugs into. A model never sees a driver; a driver never sees a model, only these.
 *
 * <h2>What a model is made of</h2>
 * <ul>
 *   <li>{@link io.jcma.devices.hw.RegisterBlock}: its MMIO registers, declared field by field
 *       (reset value, {@link io.jcma.devices.hw.FieldMode read-only, W1C, read-to-clear,
 *       write-only, reserved}), with access-width checks and pre/post hooks, as QEMU's
 *       include/hw/register.h and Renode's register framework declare them. Every access
 *       answers an {@link io.jcma.devices.hw.MmioResult}: a value or a bus error, never an
 *       exception, and goes into the block's access log.</li>
 *   <li>{@link io.jcma.devices.hw.IrqLine}: its interrupt outputs;
 *       {@link io.jcma.devices.hw.InterruptSources} drives a line from a status and an enable
 *       register, level = (status &amp; enable) != 0, recomputed after every change.</li>
 *   <li>{@link io.jcma.devices.hw.DmaPort}: its only way to memory, the device's view from the
 *       DMA API (bus offset, IOMMU); every access answers ok, unassigned or fault, and every
 *       refused one is recorded as a {@link io.jcma.devices.hw.BusFault}.</li>
 *   <li>{@link io.jcma.devices.hw.DeviceThread}: its own thread, so a device runs concurrently
 *       with its driver, as hardware does.</li>
 *   <li>{@link io.jcma.devices.hw.Clock}: time, real or {@link io.jcma.devices.hw.VirtualClock
 *       virtual}, and {@link io.jcma.devices.hw.TransferTiming} for how long a transfer
 *       takes. Models never read the wall clock or sleep by themselves.</li>
 * </ul>
 * A model is a {@link io.jcma.devices.hw.DeviceModel}, found by its device-tree
 * {@code compatible} through a {@link io.jcma.devices.hw.DeviceModelProvider} and wired by a
 * {@link io.jcma.devices.hw.ModelContext} when the board is populated.
 *
 * <h2>What a driver may use from here</h2>
 * {@link io.jcma.devices.hw.Mmio} (its ioremap'ed registers), {@link io.jcma.devices.hw.Clock},
 * {@link io.jcma.devices.hw.DmaOrdering} and the {@code *Layout} classes of the device it drives
 * (the programming model: register offsets and bits, descriptor formats), which live beside the
 * model in {@code io.jcma.devices.hw.<kind>} and name no model class. Nothing else: a test that
 * swaps a model for a stricter or a broken one needs no driver change.
 *
 * <h2>Memory ordering between a driver and a device</h2>
 * Named for what they are, once, here:
 * <ul>
 *   <li><b>MMIO is ordered.</b> Each register access is atomic and happens under its block's
 *       monitor, and hooks run under it. So a driver's {@code writel} (the kernel's writel, with
 *       its implied {@code wmb()}) happens-before whatever the model does in response: every
 *       plain store the CPU made to coherent memory before the doorbell is visible to the
 *       device thread the hook kicked. Likewise a {@code readl} of a status register the device
 *       thread updated after its DMA writes sees those writes (readl's implied {@code rmb()}).</li>
 *   <li><b>Ownership words in memory are release/acquire.</b> Where a driver and a device hand a
 *       descriptor or a ring slot to each other through memory alone (an OWN/DONE bit, a ring
 *       head the device polls), the writer publishes with a release store and the reader
 *       checks with an acquire load: {@link io.jcma.devices.hw.DmaPort#writeU32Release} /
 *       {@link io.jcma.devices.hw.DmaPort#readU32Acquire} on the device side,
 *       {@link io.jcma.devices.hw.DmaOrdering} on the CPU side (the kernel's
 *       {@code dma_wmb()}/{@code dma_rmb()}, {@code smp_store_release}/{@code smp_load_acquire}).</li>
 *   <li><b>Bulk data is plain.</b> Payload bytes are copied with plain accesses; they are
 *       ordered by the ownership word or the MMIO access that hands them over.</li>
 *   <li><b>Interrupts follow their status.</b> A model updates its status registers (under the
 *       monitor) before it raises a line, so a handler's readl of the status sees why.</li>
 * </ul>
 * A model must not hold its block's monitor while it moves DMA data: register reads keep
 * answering while a transfer runs, as on hardware.
 */
package io.jcma.devices.hw;

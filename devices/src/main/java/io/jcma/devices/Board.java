package io.jcma.devices;

import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import io.jcma.devices.drivers.DriverCore;
import io.jcma.devices.drivers.PlatformDevice;
import io.jcma.devices.hw.BusFault;
import io.jcma.devices.hw.Clock;
import io.jcma.devices.hw.DeviceModel;
import io.jcma.dma.Dma;

import java.util.List;
import java.util.Optional;

/**
 * A booted simulated board: the machine, its DMA API, a device model behind every device-tree
 * node a model provider knows, the platform bus with its drivers bound, and the board's clock.
 *
 * <h2>Boot, in the kernel's order</h2>
 * <ol>
 *   <li>The machine boots with the DMA layer's hook (memblock, CMA, swiotlb, page allocator).</li>
 *   <li>of_platform_populate(): a platform device for every device node, named as Linux names
 *       it, with a struct device configured from the node as of_dma_configure() does (bus
 *       offset and limit from dma-ranges, the NUMA node, the CMA area of its memory-region,
 *       both masks DMA_BIT_MASK(32)).</li>
 *   <li>For every node a model is known for: the model is created, realized with its wiring
 *       (MMIO at the node's reg, interrupt outputs wired to the interrupt controller by the
 *       node's interrupts, the device's view of memory) and reset.</li>
 *   <li>The drivers (built-in ones unless the options say otherwise, then the options' own)
 *       are registered; each binds to the devices it matches.</li>
 * </ol>
 * Closing unbinds every driver (reporting leaks), unrealizes every model, then closes the
 * machine.
 */
public sealed interface Board extends AutoCloseable permits io.jcma.devices.internal.BoardImpl {

    /**
     * Boots {@code platform}.
     *
     * @throws IllegalArgumentException as {@link Machine#boot} does for a platform that cannot
     *                                  boot
     */
    static Board boot(Platform platform, BoardOptions options) {
        return Boards.boot(platform, options);
    }

    /** Boots {@code platform} with the default options. */
    static Board boot(Platform platform) {
        return boot(platform, BoardOptions.defaults());
    }

    Machine machine();

    Dma dma();

    /** The platform bus. */
    DriverCore drivers();

    Clock clock();

    /** The platform device named {@code name}. */
    Optional<PlatformDevice> device(String name);

    /** The model behind the platform device named {@code name}, if one is. */
    Optional<DeviceModel> model(String name);

    /**
     * The model behind the only device compatible with {@code compatible}.
     *
     * @throws IllegalArgumentException if no device or more than one is, or its model is not a
     *                                  {@code type}
     */
    <T extends DeviceModel> T model(String compatible, Class<T> type);

    /**
     * Every refused access so far, in order: devices' DMA faults and drivers' MMIO bus errors
     * (the first 100,000; a port keeps counting beyond them, {@link io.jcma.devices.hw.DmaPort#faults()}).
     */
    List<BusFault> faults();

    /**
     * What models reported as guest errors ({@link io.jcma.devices.hw.ModelContext#guestError}), as
     * "DEVICE: message", in order; each is in the kernel log too (the first 100,000).
     */
    List<String> guestErrors();

    /** Unbinds every driver, stops every model, closes the machine. Idempotent. */
    @Override
    void close();
}

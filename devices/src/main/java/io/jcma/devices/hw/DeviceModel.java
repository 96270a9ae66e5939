package io.jcma.devices.hw;

import java.util.List;

/**
 * A simulated device, as QEMU's DeviceClass is: created for a device-tree node by its
 * {@link DeviceModelProvider}, realized with its wiring, reset, and unrealized when the board
 * closes. A model is as strict as the hardware it stands for: every access answers, nothing a
 * driver writes (registers, descriptors, commands) can make it throw, hang or touch memory it
 * was not given, and it never does what the real device would refuse.
 */
public interface DeviceModel {

    /**
     * Builds the registers and starts the device thread, with everything the board wired to
     * the device. Called once, before any access; {@link #reset()} follows.
     */
    void realize(ModelContext ctx);

    /** The MMIO regions, in the order of the node's {@code reg} entries. */
    List<RegisterBlock> mmio();

    /**
     * Hardware reset: registers to their reset values, every engine idle, interrupt lines low.
     * Work in flight is abandoned without further memory access.
     */
    void reset();

    /** Stops the device: after this returns it makes no memory access and raises no interrupt. */
    void unrealize();
}

package io.jcma.devices.hw;

import io.jcma.cma.of.DeviceNode;

/**
 * What the board wires to a model when it realizes it: its node, its view of memory, its
 * interrupt outputs, time, a thread and a place to report guest errors.
 */
public interface ModelContext {

    /** The platform device's name, as Linux names one from the device tree ("10200000.dma-controller"). */
    String name();

    /** The device-tree node (properties such as {@code dma-channels}). */
    DeviceNode node();

    /** The device's view of memory: its only way to RAM. */
    DmaPort dma();

    /**
     * The interrupt output wired to the node's {@code interrupts} entry {@code index}.
     *
     * @throws IndexOutOfBoundsException if the node has no such entry
     */
    IrqLine irq(int index);

    /** How many interrupt outputs the node wires. */
    int irqCount();

    /** The board's clock. */
    Clock clock();

    /** How long transfers take on this device ({@link TransferTiming#NONE} unless the board says). */
    TransferTiming timing();

    /**
     * Starts the device's own thread, named "{@code name}" after the device.
     * It is stopped when the model is unrealized, if the model has not stopped it.
     */
    DeviceThread startThread(String name, DeviceThread.Work work);

    /**
     * Reports what a driver did that the hardware refuses or ignores (QEMU's
     * {@code qemu_log_mask(LOG_GUEST_ERROR, ...)}): kernel log at warning level, counted.
     */
    void guestError(String message);
}

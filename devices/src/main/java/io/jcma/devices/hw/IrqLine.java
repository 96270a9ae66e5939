package io.jcma.devices.hw;

/**
 * An interrupt output of a device, wired by the board to an input of the interrupt controller
 * (QEMU's qemu_irq). What the controller does with it, level or edge, is the controller's and
 * the device tree's business ({@code interrupts} flags); the device only drives the wire.
 */
public interface IrqLine {

    /** Drives the line to {@code level}; setting the level it has is no event. */
    void set(boolean level);

    default void raise() {
        set(true);
    }

    default void lower() {
        set(false);
    }

    /** A pulse (raise then lower), for edge-triggered outputs. */
    void pulse();

    /** The level the device drives now. */
    boolean level();
}

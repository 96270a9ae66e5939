package io.jcma.devices.drivers;

/** irqreturn_t. */
public enum IrqReturn {
    /** IRQ_NONE: not this device's interrupt. */
    NONE,
    /** IRQ_HANDLED. */
    HANDLED,
    /** IRQ_WAKE_THREAD: run the thread function. */
    WAKE_THREAD
}

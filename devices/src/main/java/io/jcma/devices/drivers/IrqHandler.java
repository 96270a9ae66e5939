package io.jcma.devices.drivers;

/** irq_handler_t: a hard or threaded interrupt handler. */
@FunctionalInterface
public interface IrqHandler {
    IrqReturn handle(int irq, Object devId);
}

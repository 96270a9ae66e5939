package io.jcma.devices.hw;

/**
 * Drives one {@link IrqLine} from a status register and an enable (mask) register, as most
 * devices do: level = (status &amp; enable) != 0, recomputed after every write to either
 * register and after every event the model raises, so acking one source leaves the line up
 * while another is pending (QEMU's edu device and Renode's peripherals do the same).
 *
 * <pre>{@code
 *   InterruptSources irqs = InterruptSources.attach(regs.register("IRQ_STATUS"),
 *                                                   regs.register("IRQ_ENABLE"), ctx.irq(0));
 *   irqs.raise(DONE);      // the model: status |= DONE, line recomputed
 * }</pre>
 */
public sealed interface InterruptSources permits io.jcma.devices.hw.internal.InterruptSourcesImpl {

    /**
     * Binds the two registers to the line and recomputes it after every access to them.
     *
     * @throws IllegalArgumentException if the registers belong to different blocks
     */
    static InterruptSources attach(Register status, Register enable, IrqLine line) {
        return RegisterBlocks.interruptSources(status, enable, line);
    }

    /** Sets status bits {@code bits} (an event), then recomputes the line. */
    void raise(long bits);

    /** Clears status bits {@code bits} (the model's own acknowledgement), then recomputes. */
    void clear(long bits);

    /** Recomputes the line from the registers (after a reset, say). */
    void recompute();

    /** status &amp; enable. */
    long pending();
}

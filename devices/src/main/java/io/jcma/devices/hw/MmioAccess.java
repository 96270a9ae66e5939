package io.jcma.devices.hw;

/**
 * One entry of a register block's access log: what a test reads to see the order in which a
 * driver touched the device and what each access did.
 *
 * @param seq      position in the block's log, from 0
 * @param time     {@link Clock#nanoTime()} of the board's clock when it happened
 * @param write    a write (else a read)
 * @param offset   offset in the block
 * @param width    access width in bytes
 * @param value    the value written, or the value the read returned
 * @param register the register's name, or null where none decodes
 * @param outcome  what the access did
 * @param note     why, for anything but {@link Outcome#OK} ("reserved bits 0xffff0000 kept")
 */
public record MmioAccess(long seq, long time, boolean write, long offset, int width, long value, String register,
                         Outcome outcome, String note) {
    public enum Outcome {
        /** Done as the fields' modes say. */
        OK,
        /** A write that tried to change reserved bits: the rest was written, those bits kept. */
        RESERVED_KEPT,
        /** A write the register ignored as a whole (e.g. a busy channel's control register). */
        IGNORED,
        /** A bus error: see the access's {@link MmioResult.BusError}. */
        BUS_ERROR
    }
}

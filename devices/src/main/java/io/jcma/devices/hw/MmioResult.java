package io.jcma.devices.hw;

/**
 * What one MMIO access answers, as a bus does (AXI OKAY / SLVERR / DECERR, QEMU's MemTxResult):
 * a value, or a bus error. An access never throws and never crashes the JVM.
 */
public sealed interface MmioResult permits MmioResult.Ok, MmioResult.BusError {

    default boolean ok() {
        return this instanceof Ok;
    }

    /** The access completed; {@code value} is what a read returned (0 for a write). */
    record Ok(long value) implements MmioResult {
    }

    /**
     * The access was refused.
     *
     * @param offset offset in the block
     * @param width  access width in bytes
     * @param kind   why
     * @param reason greppable text naming the bad value ("width: 2 (expected: 4) at CTRL")
     */
    record BusError(long offset, int width, Kind kind, String reason) implements MmioResult {
        public enum Kind {
            /** Nothing decodes at this offset (DECERR). */
            DECODE,
            /** The register does not accept this access width (SLVERR). */
            WIDTH,
            /** The access is not naturally aligned (SLVERR). */
            ALIGNMENT,
            /** The model refused it (SLVERR), e.g. a write to a read-only window. */
            SLAVE
        }
    }
}

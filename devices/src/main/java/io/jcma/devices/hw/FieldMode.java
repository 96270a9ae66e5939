package io.jcma.devices.hw;

/**
 * How a register field answers reads and writes, per bit: QEMU's register API masks (ro, w1c,
 * cor, rsvd) and Renode's FieldMode, one value per field.
 */
public enum FieldMode {
    /** Read and write. */
    RW,
    /** Read-only: a write leaves it unchanged (the model changes it). */
    RO,
    /** Write-only: reads as zero; a write stores the value for the model (and its hooks). */
    WO,
    /** Write 1 to clear: writing 1 clears the bit, writing 0 leaves it; reads the value. */
    W1C,
    /** Write 1 to set: writing 1 sets the bit, writing 0 leaves it; reads the value. */
    W1S,
    /**
     * Read to clear (QEMU's cor): a read returns the value, then the field is reset to 0 (only
     * the bytes the read covered); a write leaves it.
     */
    RC,
    /**
     * Reserved: reads as stored (its reset value, unless the model changes it); a write that
     * tries to change it keeps the old value and is logged as a guest error, as QEMU's register
     * API does for rsvd bits. Bits no field declares are reserved too, and read as 0.
     */
    RSVD
}

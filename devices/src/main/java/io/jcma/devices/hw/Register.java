package io.jcma.devices.hw;

import java.util.List;

/**
 * One declared register, as the model sees it. The model's accessors bypass the access modes
 * (a read-only status field is set by the model this way) and take the block's monitor.
 */
public sealed interface Register permits io.jcma.devices.hw.internal.RegisterImpl {

    String name();

    long offset();

    /** Width in bytes. */
    int width();

    List<Field> fields();

    /** The stored value (reserved and write-only bits included). */
    long value();

    /** Stores {@code value} as is (masked to the register's width). */
    void set(long value);

    /**
     * One field's value.
     *
     * @throws IllegalArgumentException if the register has no such field
     */
    long field(String name);

    /**
     * Sets one field, leaving the others.
     *
     * @throws IllegalArgumentException if there is no such field or the value does not fit
     */
    void setField(String name, long value);

    /** Sets the bits of {@code mask} (the model raising status bits). */
    void setBits(long mask);

    /** Clears the bits of {@code mask}. */
    void clearBits(long mask);

    /** The value after reset. */
    long resetValue();

    /**
     * A field of a register.
     *
     * @param name  its name
     * @param lsb   lowest bit
     * @param bits  width in bits
     * @param mode  how it answers accesses
     * @param reset its reset value
     */
    record Field(String name, int lsb, int bits, FieldMode mode, long reset) {
        /** The field's bits in place. */
        public long mask() {
            return (bits == 64 ? -1L : (1L << bits) - 1) << lsb;
        }
    }
}

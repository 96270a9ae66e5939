package io.jcma.devices.hw;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One MMIO region of a device model, declared register by register and field by field, as
 * QEMU's register API (include/hw/register.h: RegisterAccessInfo's ro, w1c, cor, rsvd, reset,
 * pre_write, post_write, post_read) and Renode's register framework declare them.
 *
 * <pre>{@code
 *   RegisterBlock regs = RegisterBlock.builder("jdma", 0x1000)
 *       .register("ID", 0x000, 4)
 *           .field("REV", 0, 8, FieldMode.RO, 0x01)
 *           .end()
 *       .register("IRQ_STATUS", 0x010, 4)
 *           .field("DONE", 0, 1, FieldMode.W1C)
 *           .field("ERR", 1, 1, FieldMode.W1C)
 *           .postWrite((r, v) -> irqs.recompute())
 *           .end()
 *       .build();
 * }</pre>
 *
 * <h2>Rules every access follows</h2>
 * <ol>
 *   <li>An offset where no register is declared answers a DECODE bus error.</li>
 *   <li>An access must be naturally aligned (ALIGNMENT error) and of a width the register accepts
 *       (WIDTH error); by default only the register's own width. Errors change nothing.</li>
 *   <li>Bits no field declares are reserved: they read as 0 and keep their value on a write.</li>
 *   <li>A write goes through {@code ignoreWritesWhen} (a busy register ignores it as a whole,
 *       logged as IGNORED), then preWrite (which may change the value), then each field's mode
 *       (RO kept, W1C/W1S per bit, RSVD kept and logged as a guest error when the write tried to
 *       change it: the driver's bits differ from what a read returns), then postWrite with the
 *       value the driver wrote. A partial access (a narrower width the register accepts) touches
 *       only its own bytes.</li>
 *   <li>A read returns each field by its mode (WO as 0), then postRead may change the value;
 *       RC fields clear after the read.</li>
 *   <li>Every access, refused ones too, goes into the access log, in order.</li>
 * </ol>
 * Accesses are atomic: the block's monitor is held through the access and its hooks (see the
 * package's memory-ordering notes). A model changes its registers from its own thread with
 * {@link Register#set} and friends, which bypass the access modes, and groups several changes
 * with {@link #atomically}.
 */
public sealed interface RegisterBlock permits io.jcma.devices.hw.internal.RegisterBlockImpl {

    /** A block of {@code size} bytes named {@code name} (used in logs and the access log). */
    static Builder builder(String name, long size) {
        return RegisterBlocks.builder(name, size);
    }

    String name();

    /** Size of the region in bytes. */
    long size();

    /** A driver-side read of {@code width} (1, 2, 4 or 8) bytes at {@code offset}. */
    MmioResult read(long offset, int width);

    /** A driver-side write of the low {@code width} bytes of {@code value} at {@code offset}. */
    MmioResult write(long offset, int width, long value);

    /**
     * The register named {@code name}.
     *
     * @throws IllegalArgumentException if there is none
     */
    Register register(String name);

    /** The registers, by offset. */
    List<Register> registers();

    /** Every register back to its reset value (the access log stays). */
    void reset();

    /** The access log, oldest first: the last {@link Builder#accessLogCapacity} accesses. */
    List<MmioAccess> accessLog();

    void clearAccessLog();

    /** Runs {@code action} holding the block's monitor, so that a driver sees all or none of it. */
    void atomically(Runnable action);

    /** As {@link #atomically(Runnable)}, with a result. */
    <T> T atomically(Supplier<T> action);

    /** Declares a block. */
    sealed interface Builder permits io.jcma.devices.hw.internal.RegisterBlockBuilder {
        /**
         * Starts a register of {@code width} bytes (1, 2, 4 or 8) at {@code offset}.
         *
         * @throws IllegalArgumentException if the width is not 1, 2, 4 or 8, the offset is not a
         *                                  multiple of it, it lies outside the block, overlaps
         *                                  another register, or the name is taken (checked at
         *                                  {@link #build()} at the latest)
         */
        RegisterBuilder register(String name, long offset, int width);

        /** How many accesses the log keeps (default 4096; 0 keeps none). */
        Builder accessLogCapacity(int entries);

        /** The clock that time-stamps the access log (default {@link Clock#real()}). */
        Builder clock(Clock clock);

        /**
         * Where guest errors go (reserved bits, ignored writes, bus errors, and hooks that threw,
         * which are model bugs answered with a SLAVE bus error); default nowhere.
         */
        Builder guestErrors(java.util.function.Consumer<String> sink);

        /**
         * @throws IllegalArgumentException if a register or field is declared wrongly (see
         *                                  {@link #register} and {@link RegisterBuilder#field})
         */
        RegisterBlock build();
    }

    /** Declares one register. */
    sealed interface RegisterBuilder permits io.jcma.devices.hw.internal.RegisterBlockBuilder.RegBuilder {
        /** A field reset to 0; see {@link #field(String, int, int, FieldMode, long)}. */
        RegisterBuilder field(String name, int lsb, int bits, FieldMode mode);

        /**
         * A field of {@code bits} bits from bit {@code lsb}, reset to {@code reset}.
         *
         * @throws IllegalArgumentException if it does not fit the register, overlaps another
         *                                  field, the reset value does not fit, or the name is
         *                                  taken
         */
        RegisterBuilder field(String name, int lsb, int bits, FieldMode mode, long reset);

        /**
         * The access widths the register accepts, default its own width only (a 64-bit
         * register that may also be accessed as two 32-bit halves: {@code 4, 8}).
         */
        RegisterBuilder accessWidths(int... widths);

        /**
         * Before the fields' modes apply: gets the driver's value (for a narrower access, merged
         * into the stored value) and returns the value the modes then apply to; only the
         * accessed bytes are stored.
         */
        RegisterBuilder preWrite(PreWrite hook);

        /**
         * After the write is stored, with the value the driver wrote (a doorbell's hook); for an
         * access narrower than the register, its bytes in place (shifted to their lane).
         */
        RegisterBuilder postWrite(PostWrite hook);

        /** After a read is formed: returns the value the driver gets instead. */
        RegisterBuilder postRead(PostRead hook);

        /**
         * While {@code condition} holds, writes to the register are ignored as a whole and logged
         * as IGNORED with {@code why} ("channel busy"), as real controllers ignore writes to a
         * busy channel's control and address registers.
         */
        RegisterBuilder ignoreWritesWhen(BooleanSupplier condition, String why);

        /** Back to the block. */
        Builder end();
    }

    @FunctionalInterface
    interface PreWrite {
        long apply(Register reg, long value);
    }

    @FunctionalInterface
    interface PostWrite {
        void apply(Register reg, long written);
    }

    @FunctionalInterface
    interface PostRead {
        long apply(Register reg, long value);
    }
}

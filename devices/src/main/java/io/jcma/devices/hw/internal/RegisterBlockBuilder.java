package io.jcma.devices.hw.internal;

import io.jcma.devices.hw.Clock;
import io.jcma.devices.hw.FieldMode;
import io.jcma.devices.hw.Register;
import io.jcma.devices.hw.RegisterBlock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The declaration of a register block, as a QEMU model's RegisterAccessInfo table
 * (include/hw/register.h: REG32/FIELD): every rule checked as it is declared, so a
 * badly declared model fails when it is built, not when a driver touches it.
 */
public final class RegisterBlockBuilder implements RegisterBlock.Builder {
    final String name;
    final long size;
    private final List<RegBuilder> regs = new ArrayList<>();
    Clock clock;
    Consumer<String> guestErrors;
    int logCapacity = 4096;

    RegisterBlockBuilder(String name, long size) {
        this.name = name;
        this.size = size;
    }

    private static boolean validWidth(int w) {
        return w == 1 || w == 2 || w == 4 || w == 8;
    }

    @Override
    public RegisterBlock.RegisterBuilder register(String regName, long offset, int width) {
        if (regName == null || regName.isBlank()) {
            throw new IllegalArgumentException("register: " + regName + " (expected: a name) in " + name);
        }
        if (!validWidth(width)) {
            throw new IllegalArgumentException("width: " + width + " (expected: 1, 2, 4 or 8) of " + regName);
        }
        if (offset < 0 || offset % width != 0 || offset > size - width) {
            throw new IllegalArgumentException("offset: 0x" + Long.toHexString(offset) + " (expected: aligned to "
                    + width + " within 0x" + Long.toHexString(size) + ") of " + regName);
        }
        for (RegBuilder r : regs) {
            if (r.name.equals(regName)) {
                throw new IllegalArgumentException("register: " + regName + " (expected: a new name) in " + name);
            }
            if (offset < r.offset + r.width && r.offset < offset + width) {
                throw new IllegalArgumentException("register: " + regName + " at 0x" + Long.toHexString(offset)
                        + " (expected: apart from " + r.name + " at 0x" + Long.toHexString(r.offset) + ")");
            }
        }
        RegBuilder r = new RegBuilder(regName, offset, width);
        regs.add(r);
        return r;
    }

    @Override
    public RegisterBlock.Builder accessLogCapacity(int entries) {
        if (entries < 0) {
            throw new IllegalArgumentException("entries: " + entries + " (expected: >= 0)");
        }
        logCapacity = entries;
        return this;
    }

    @Override
    public RegisterBlock.Builder clock(Clock c) {
        clock = c;
        return this;
    }

    @Override
    public RegisterBlock.Builder guestErrors(Consumer<String> sink) {
        guestErrors = sink;
        return this;
    }

    @Override
    public RegisterBlock build() {
        RegisterImpl[] built = regs.stream().map(RegBuilder::build).sorted(Comparator.comparingLong(r -> r.offset))
                .toArray(RegisterImpl[]::new);
        return new RegisterBlockImpl(this, built);
    }

    /** One register's declaration. */
    public final class RegBuilder implements RegisterBlock.RegisterBuilder {
        final String name;
        final long offset;
        final int width;
        final List<Register.Field> fields = new ArrayList<>();
        int[] accessWidths;
        RegisterBlock.PreWrite preWrite;
        RegisterBlock.PostWrite postWrite;
        RegisterBlock.PostRead postRead;
        BooleanSupplier ignoreWhen;
        String ignoreWhy;

        RegBuilder(String name, long offset, int width) {
            this.name = name;
            this.offset = offset;
            this.width = width;
        }

        RegisterImpl build() {
            return new RegisterImpl(name, offset, width, fields, accessWidths, preWrite, postWrite, postRead, ignoreWhen,
                    ignoreWhy);
        }

        @Override
        public RegisterBlock.RegisterBuilder field(String fieldName, int lsb, int bits, FieldMode mode) {
            return field(fieldName, lsb, bits, mode, 0);
        }

        @Override
        public RegisterBlock.RegisterBuilder field(String fieldName, int lsb, int bits, FieldMode mode, long reset) {
            if (mode == null) {
                throw new IllegalArgumentException("mode: null for " + name + "." + fieldName);
            }
            if (fieldName == null || fieldName.isBlank()) {
                throw new IllegalArgumentException("field: " + fieldName + " (expected: a name) in " + name);
            }
            if (bits < 1 || lsb < 0 || lsb + bits > width * 8) {
                throw new IllegalArgumentException("bits: [" + lsb + ", " + (lsb + bits) + ") (expected: within the "
                        + width * 8 + " bits) of " + name + "." + fieldName);
            }
            long max = bits == 64 ? -1L : (1L << bits) - 1;
            if ((reset & ~max) != 0) {
                throw new IllegalArgumentException("reset: 0x" + Long.toHexString(reset) + " (expected: fits " + bits
                        + " bits) of " + name + "." + fieldName);
            }
            Register.Field f = new Register.Field(fieldName, lsb, bits, mode, reset);
            for (Register.Field o : fields) {
                if (o.name().equals(fieldName)) {
                    throw new IllegalArgumentException("field: " + fieldName + " (expected: a new name) in " + name);
                }
                if ((o.mask() & f.mask()) != 0) {
                    throw new IllegalArgumentException("field: " + fieldName + " (expected: apart from " + o.name()
                            + ") in " + name);
                }
            }
            fields.add(f);
            return this;
        }

        @Override
        public RegisterBlock.RegisterBuilder accessWidths(int... widths) {
            if (widths.length == 0) {
                throw new IllegalArgumentException("widths: none (expected: some of 1, 2, 4, 8 up to " + width + ") of "
                        + name);
            }
            for (int w : widths) {
                if (!validWidth(w) || w > width) {
                    throw new IllegalArgumentException("widths: " + Arrays.toString(widths) + " (expected: 1, 2, 4 or 8"
                            + " up to " + width + ") of " + name);
                }
            }
            accessWidths = widths.clone();
            return this;
        }

        @Override
        public RegisterBlock.RegisterBuilder preWrite(RegisterBlock.PreWrite hook) {
            preWrite = hook;
            return this;
        }

        @Override
        public RegisterBlock.RegisterBuilder postWrite(RegisterBlock.PostWrite hook) {
            postWrite = hook;
            return this;
        }

        @Override
        public RegisterBlock.RegisterBuilder postRead(RegisterBlock.PostRead hook) {
            postRead = hook;
            return this;
        }

        @Override
        public RegisterBlock.RegisterBuilder ignoreWritesWhen(BooleanSupplier condition, String why) {
            if (condition == null) {
                throw new IllegalArgumentException("condition: null for " + name);
            }
            ignoreWhen = condition;
            ignoreWhy = why == null ? "ignored" : why;
            return this;
        }

        @Override
        public RegisterBlock.Builder end() {
            return RegisterBlockBuilder.this;
        }
    }
}

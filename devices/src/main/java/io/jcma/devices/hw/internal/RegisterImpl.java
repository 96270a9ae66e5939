package io.jcma.devices.hw.internal;

import io.jcma.devices.hw.FieldMode;
import io.jcma.devices.hw.Register;
import io.jcma.devices.hw.RegisterBlock;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One register of a {@link RegisterBlockImpl}: QEMU's RegisterAccessInfo (include/hw/register.h),
 * its per-mode bit masks computed once from the fields. The value is guarded by the block's
 * monitor.
 */
public final class RegisterImpl implements Register {
    final String name;
    final long offset;
    final int width;
    final List<Field> fields;
    final long reset;
    /** Bit i set: an access of 2^i bytes is accepted (bit 0: 1 byte, ... bit 3: 8 bytes). */
    final int accessWidths;
    final long rwMask;
    final long roMask;
    final long woMask;
    final long w1cMask;
    final long w1sMask;
    final long rcMask;
    /** Declared RSVD fields and every bit no field declares. */
    final long rsvdMask;
    /** What a read can return: declared bits that are not write-only. */
    final long readMask;
    final RegisterBlock.PreWrite preWrite;
    final RegisterBlock.PostWrite postWrite;
    final RegisterBlock.PostRead postRead;
    final BooleanSupplier ignoreWhen;
    final String ignoreWhy;
    /** Interrupt sources: recomputed after every access and every change by the model. */
    final List<Runnable> listeners = new ArrayList<>();
    RegisterBlockImpl block;
    long value;

    RegisterImpl(String name, long offset, int width, List<Field> fields, int[] widths, RegisterBlock.PreWrite preWrite,
                 RegisterBlock.PostWrite postWrite, RegisterBlock.PostRead postRead, BooleanSupplier ignoreWhen,
                 String ignoreWhy) {
        this.name = name;
        this.offset = offset;
        this.width = width;
        this.fields = List.copyOf(fields);
        long rst = 0;
        long[] masks = new long[FieldMode.values().length];
        for (Field f : this.fields) {
            masks[f.mode().ordinal()] |= f.mask();
            rst |= f.reset() << f.lsb();
        }
        long declared = 0;
        for (long m : masks) {
            declared |= m;
        }
        this.reset = rst;
        this.rwMask = masks[FieldMode.RW.ordinal()];
        this.roMask = masks[FieldMode.RO.ordinal()];
        this.woMask = masks[FieldMode.WO.ordinal()];
        this.w1cMask = masks[FieldMode.W1C.ordinal()];
        this.w1sMask = masks[FieldMode.W1S.ordinal()];
        this.rcMask = masks[FieldMode.RC.ordinal()];
        this.rsvdMask = masks[FieldMode.RSVD.ordinal()] | (laneMask(width) & ~declared);
        this.readMask = declared & ~woMask;
        int aw = 0;
        for (int w : widths == null ? new int[] {width} : widths) {
            aw |= w;
        }
        this.accessWidths = aw;
        this.preWrite = preWrite;
        this.postWrite = postWrite;
        this.postRead = postRead;
        this.ignoreWhen = ignoreWhen;
        this.ignoreWhy = ignoreWhy;
        this.value = rst;
    }

    static long laneMask(int width) {
        return width >= 8 ? -1L : (1L << (width * 8)) - 1;
    }

    long widthMask() {
        return laneMask(width);
    }

    boolean accepts(int accessWidth) {
        return (accessWidths & accessWidth) != 0;
    }

    String widthsText() {
        List<String> out = new ArrayList<>();
        for (int w = 1; w <= 8; w <<= 1) {
            if (accepts(w)) {
                out.add(Integer.toString(w));
            }
        }
        return String.join(" or ", out);
    }

    /** Runs the listeners; the caller holds the block's monitor. */
    void afterAccess() {
        for (Runnable l : listeners) {
            l.run();
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long offset() {
        return offset;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public List<Field> fields() {
        return fields;
    }

    @Override
    public long value() {
        synchronized (block) {
            return value;
        }
    }

    @Override
    public void set(long v) {
        synchronized (block) {
            value = v & widthMask();
            afterAccess();
        }
    }

    private Field fieldNamed(String fieldName) {
        for (Field f : fields) {
            if (f.name().equals(fieldName)) {
                return f;
            }
        }
        throw new IllegalArgumentException("field: " + fieldName + " (expected: one of "
                + fields.stream().map(Field::name).toList() + ") of " + name);
    }

    @Override
    public long field(String fieldName) {
        Field f = fieldNamed(fieldName);
        synchronized (block) {
            return (value & f.mask()) >>> f.lsb();
        }
    }

    @Override
    public void setField(String fieldName, long v) {
        Field f = fieldNamed(fieldName);
        long max = f.bits() == 64 ? -1L : (1L << f.bits()) - 1;
        if ((v & ~max) != 0) {
            throw new IllegalArgumentException("value: 0x" + Long.toHexString(v) + " (expected: fits " + f.bits()
                    + " bits) for " + name + "." + fieldName);
        }
        synchronized (block) {
            value = (value & ~f.mask()) | (v << f.lsb());
            afterAccess();
        }
    }

    @Override
    public void setBits(long mask) {
        synchronized (block) {
            value = (value | mask) & widthMask();
            afterAccess();
        }
    }

    @Override
    public void clearBits(long mask) {
        synchronized (block) {
            value &= ~mask;
            afterAccess();
        }
    }

    @Override
    public long resetValue() {
        return reset;
    }

    @Override
    public String toString() {
        return name + "@0x" + Long.toHexString(offset);
    }
}

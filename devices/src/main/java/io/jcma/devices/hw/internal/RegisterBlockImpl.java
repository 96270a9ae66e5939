package io.jcma.devices.hw.internal;

import io.jcma.devices.hw.Clock;
import io.jcma.devices.hw.FieldMode;
import io.jcma.devices.hw.InterruptSources;
import io.jcma.devices.hw.IrqLine;
import io.jcma.devices.hw.MmioAccess;
import io.jcma.devices.hw.MmioResult;
import io.jcma.devices.hw.Register;
import io.jcma.devices.hw.RegisterBlock;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A register block as QEMU's register API (hw/core/register.c: register_write(), register_read())
 * applies it: per-bit masks computed once from the fields, then each access checked, masked and
 * hooked under the block's monitor.
 *
 * <pre>
 *   write(w) on the bytes [lane] of a register holding cur:
 *     w' = preWrite(cur with lane := w)
 *     new = (rw &amp; w') | (wo &amp; w') | (ro|rc|rsvd) &amp; cur | w1c: cur &amp; ~w' | w1s: cur | w'     (in lane)
 *     rsvd &amp; (w' ^ cur) != 0  -&gt; RESERVED_KEPT, guest error
 *   read on lane:
 *     v = postRead(cur &amp; ~wo); cur &amp;= ~(rc &amp; lane)
 * </pre>
 */
public final class RegisterBlockImpl implements RegisterBlock {
    private final String name;
    private final long size;
    private final RegImpl[] regs;
    private final Map<String, RegImpl> byName;
    private final Clock clock;
    private final Consumer<String> guestErrors;
    private final int logCapacity;
    private final ArrayDeque<MmioAccess> log = new ArrayDeque<>();
    private long seq;

    private RegisterBlockImpl(BuilderImpl b, RegImpl[] regs) {
        this.name = b.name;
        this.size = b.size;
        this.regs = regs;
        this.byName = new LinkedHashMap<>();
        for (RegImpl r : regs) {
            byName.put(r.name, r);
            r.block = this;
        }
        this.clock = b.clock == null ? Clock.real() : b.clock;
        this.guestErrors = b.guestErrors;
        this.logCapacity = b.logCapacity;
    }

    public static Builder builder(String name, long size) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: " + name + " (expected: a name)");
        }
        if (size <= 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: > 0)");
        }
        return new BuilderImpl(name, size);
    }

    public static InterruptSources interruptSources(Register status, Register enable, IrqLine line) {
        if (!(status instanceof RegImpl s) || !(enable instanceof RegImpl e) || s.block != e.block) {
            throw new IllegalArgumentException("status: " + status.name() + ", enable: " + enable.name()
                    + " (expected: two registers of one block)");
        }
        if (line == null) {
            throw new IllegalArgumentException("line: null");
        }
        return new InterruptSourcesImpl(s.block, s, e, line);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public synchronized MmioResult read(long offset, int width) {
        Object found = decode(offset, width);
        if (found instanceof MmioResult.BusError err) {
            record(false, offset, width, 0, registerAt(offset), MmioAccess.Outcome.BUS_ERROR, err.reason());
            return err;
        }
        RegImpl r = (RegImpl) found;
        int shift = (int) (offset - r.offset) * 8;
        long lane = laneMask(width) << shift;
        long v = r.value & ~r.woMask;
        if (r.postRead != null) {
            v = r.postRead.apply(r, v);
        }
        r.value &= ~(r.rcMask & lane);
        long out = (v & lane) >>> shift;
        record(false, offset, width, out, r.name, MmioAccess.Outcome.OK, null);
        r.afterAccess();
        return new MmioResult.Ok(out);
    }

    @Override
    public synchronized MmioResult write(long offset, int width, long value) {
        Object found = decode(offset, width);
        long written = value & laneMask(width);
        if (found instanceof MmioResult.BusError err) {
            record(true, offset, width, written, registerAt(offset), MmioAccess.Outcome.BUS_ERROR, err.reason());
            return err;
        }
        RegImpl r = (RegImpl) found;
        if (r.ignoreWhen != null && r.ignoreWhen.getAsBoolean()) {
            String note = "write ignored: " + r.ignoreWhy;
            record(true, offset, width, written, r.name, MmioAccess.Outcome.IGNORED, note);
            guestError(r, note + " (value 0x" + Long.toHexString(written) + ")");
            return new MmioResult.Ok(0);
        }
        int shift = (int) (offset - r.offset) * 8;
        long lane = laneMask(width) << shift;
        long cur = r.value;
        long w = (cur & ~lane) | (written << shift);
        if (r.preWrite != null) {
            w = r.preWrite.apply(r, w) & r.widthMask();
        }
        long wl = w & lane;
        long next = (r.rwMask | r.woMask) & wl
                | (r.roMask | r.rcMask | r.rsvdMask) & cur
                | r.w1cMask & cur & ~wl
                | r.w1sMask & (cur | wl);
        next = (cur & ~lane) | (next & lane);
        long tried = r.rsvdMask & lane & (w ^ cur);
        r.value = next;
        MmioAccess.Outcome outcome = MmioAccess.Outcome.OK;
        String note = null;
        if (tried != 0) {
            outcome = MmioAccess.Outcome.RESERVED_KEPT;
            note = "reserved bits 0x" + Long.toHexString(tried) + " kept";
        }
        record(true, offset, width, written, r.name, outcome, note);
        if (note != null) {
            guestError(r, note + " (value 0x" + Long.toHexString(written) + ")");
        }
        if (r.postWrite != null) {
            r.postWrite.apply(r, wl);
        }
        r.afterAccess();
        return new MmioResult.Ok(0);
    }

    /** The register an access of {@code width} at {@code offset} hits, or the bus error. */
    private Object decode(long offset, int width) {
        if (width != 1 && width != 2 && width != 4 && width != 8) {
            return new MmioResult.BusError(offset, width, MmioResult.BusError.Kind.WIDTH,
                    "width: " + width + " (expected: 1, 2, 4 or 8) in " + name);
        }
        if (offset < 0 || offset >= size || size - offset < width) {
            return new MmioResult.BusError(offset, width, MmioResult.BusError.Kind.DECODE,
                    "offset: 0x" + Long.toHexString(offset) + " (expected: below size 0x" + Long.toHexString(size)
                            + ") in " + name);
        }
        if ((offset & (width - 1)) != 0) {
            return new MmioResult.BusError(offset, width, MmioResult.BusError.Kind.ALIGNMENT,
                    "offset: 0x" + Long.toHexString(offset) + " (expected: aligned to width " + width + ") in " + name);
        }
        RegImpl r = covering(offset);
        if (r == null) {
            return new MmioResult.BusError(offset, width, MmioResult.BusError.Kind.DECODE,
                    "offset: 0x" + Long.toHexString(offset) + " (expected: a register) in " + name);
        }
        if ((r.accessWidths & width) == 0 || offset + width > r.offset + r.width) {
            return new MmioResult.BusError(offset, width, MmioResult.BusError.Kind.WIDTH,
                    "width: " + width + " (expected: " + r.widthsText() + ") at " + r.name + " in " + name);
        }
        if (width < r.width && (offset - r.offset) % width != 0) {
            return new MmioResult.BusError(offset, width, MmioResult.BusError.Kind.ALIGNMENT,
                    "offset: 0x" + Long.toHexString(offset) + " (expected: a " + width + "-byte lane of " + r.name + ") in "
                            + name);
        }
        return r;
    }

    private RegImpl covering(long offset) {
        int lo = 0;
        int hi = regs.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            RegImpl r = regs[mid];
            if (offset < r.offset) {
                hi = mid - 1;
            } else if (offset >= r.offset + r.width) {
                lo = mid + 1;
            } else {
                return r;
            }
        }
        return null;
    }

    private String registerAt(long offset) {
        RegImpl r = offset >= 0 ? covering(offset) : null;
        return r == null ? null : r.name;
    }

    private static long laneMask(int width) {
        return width >= 8 ? -1L : (1L << (width * 8)) - 1;
    }

    private void record(boolean write, long offset, int width, long value, String reg, MmioAccess.Outcome outcome,
                        String note) {
        long n = seq++;
        if (logCapacity == 0) {
            return;
        }
        if (log.size() == logCapacity) {
            log.removeFirst();
        }
        log.addLast(new MmioAccess(n, clock.nanoTime(), write, offset, width, value, reg, outcome, note));
    }

    private void guestError(RegImpl r, String what) {
        if (guestErrors != null) {
            guestErrors.accept(name + ": " + r.name + " (offset 0x" + Long.toHexString(r.offset) + "): " + what);
        }
    }

    @Override
    public Register register(String regName) {
        RegImpl r = byName.get(regName);
        if (r == null) {
            throw new IllegalArgumentException("register: " + regName + " (expected: one of " + byName.keySet() + ") in "
                    + name);
        }
        return r;
    }

    @Override
    public List<Register> registers() {
        return List.of(regs);
    }

    @Override
    public synchronized void reset() {
        for (RegImpl r : regs) {
            r.value = r.reset;
        }
        for (RegImpl r : regs) {
            r.afterAccess();
        }
    }

    @Override
    public synchronized List<MmioAccess> accessLog() {
        return List.copyOf(log);
    }

    @Override
    public synchronized void clearAccessLog() {
        log.clear();
    }

    @Override
    public synchronized void atomically(Runnable action) {
        action.run();
    }

    @Override
    public synchronized <T> T atomically(Supplier<T> action) {
        return action.get();
    }

    /** One register: its masks per mode, computed once from its fields. */
    static final class RegImpl implements Register {
        final String name;
        final long offset;
        final int width;
        final List<Field> fields;
        final long reset;
        final int accessWidths;
        final long rwMask;
        final long roMask;
        final long woMask;
        final long w1cMask;
        final long w1sMask;
        final long rcMask;
        final long rsvdMask;
        final PreWrite preWrite;
        final PostWrite postWrite;
        final PostRead postRead;
        final BooleanSupplier ignoreWhen;
        final String ignoreWhy;
        final List<Runnable> listeners = new ArrayList<>();
        RegisterBlockImpl block;
        long value;

        RegImpl(RegBuilderImpl b) {
            this.name = b.name;
            this.offset = b.offset;
            this.width = b.width;
            this.fields = List.copyOf(b.fields);
            long rst = 0;
            long[] masks = new long[FieldMode.values().length];
            for (Field f : fields) {
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
            this.rsvdMask = masks[FieldMode.RSVD.ordinal()] | (widthMask() & ~declared);
            int aw = 0;
            for (int w : b.accessWidths == null ? new int[] {width} : b.accessWidths) {
                aw |= w;
            }
            this.accessWidths = aw;
            this.preWrite = b.preWrite;
            this.postWrite = b.postWrite;
            this.postRead = b.postRead;
            this.ignoreWhen = b.ignoreWhen;
            this.ignoreWhy = b.ignoreWhy;
            this.value = rst;
        }

        long widthMask() {
            return laneMask(width);
        }

        String widthsText() {
            List<String> out = new ArrayList<>();
            for (int w = 1; w <= 8; w <<= 1) {
                if ((accessWidths & w) != 0) {
                    out.add(Integer.toString(w));
                }
            }
            return String.join(" or ", out);
        }

        /** Listeners (interrupt sources) run after every access and every model change. */
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

    private static final class BuilderImpl implements Builder {
        final String name;
        final long size;
        final List<RegBuilderImpl> regs = new ArrayList<>();
        Clock clock;
        Consumer<String> guestErrors;
        int logCapacity = 4096;

        BuilderImpl(String name, long size) {
            this.name = name;
            this.size = size;
        }

        @Override
        public RegisterBuilder register(String regName, long offset, int width) {
            if (width != 1 && width != 2 && width != 4 && width != 8) {
                throw new IllegalArgumentException("width: " + width + " (expected: 1, 2, 4 or 8) of " + regName);
            }
            if (offset < 0 || offset % width != 0 || offset + width > size) {
                throw new IllegalArgumentException("offset: 0x" + Long.toHexString(offset) + " (expected: aligned to "
                        + width + " within 0x" + Long.toHexString(size) + ") of " + regName);
            }
            for (RegBuilderImpl r : regs) {
                if (r.name.equals(regName)) {
                    throw new IllegalArgumentException("register: " + regName + " (expected: a new name) in " + name);
                }
                if (offset < r.offset + r.width && r.offset < offset + width) {
                    throw new IllegalArgumentException("register: " + regName + " at 0x" + Long.toHexString(offset)
                            + " (expected: apart from " + r.name + " at 0x" + Long.toHexString(r.offset) + ")");
                }
            }
            RegBuilderImpl r = new RegBuilderImpl(this, regName, offset, width);
            regs.add(r);
            return r;
        }

        @Override
        public Builder accessLogCapacity(int entries) {
            if (entries < 0) {
                throw new IllegalArgumentException("entries: " + entries + " (expected: >= 0)");
            }
            logCapacity = entries;
            return this;
        }

        @Override
        public Builder clock(Clock c) {
            clock = c;
            return this;
        }

        @Override
        public Builder guestErrors(Consumer<String> sink) {
            guestErrors = sink;
            return this;
        }

        @Override
        public RegisterBlock build() {
            RegImpl[] built = regs.stream().map(RegImpl::new).sorted(Comparator.comparingLong(r -> r.offset))
                    .toArray(RegImpl[]::new);
            return new RegisterBlockImpl(this, built);
        }
    }

    private static final class RegBuilderImpl implements RegisterBuilder {
        final BuilderImpl block;
        final String name;
        final long offset;
        final int width;
        final List<Register.Field> fields = new ArrayList<>();
        int[] accessWidths;
        PreWrite preWrite;
        PostWrite postWrite;
        PostRead postRead;
        BooleanSupplier ignoreWhen;
        String ignoreWhy;

        RegBuilderImpl(BuilderImpl block, String name, long offset, int width) {
            this.block = block;
            this.name = name;
            this.offset = offset;
            this.width = width;
        }

        @Override
        public RegisterBuilder field(String fieldName, int lsb, int bits, FieldMode mode) {
            return field(fieldName, lsb, bits, mode, 0);
        }

        @Override
        public RegisterBuilder field(String fieldName, int lsb, int bits, FieldMode mode, long reset) {
            if (mode == null) {
                throw new IllegalArgumentException("mode: null for " + name + "." + fieldName);
            }
            if (bits < 1 || lsb < 0 || lsb + bits > width * 8) {
                throw new IllegalArgumentException("bits: [" + lsb + ", " + (lsb + bits) + ") (expected: within the "
                        + width * 8 + " bits) of " + name + "." + fieldName);
            }
            Register.Field f = new Register.Field(fieldName, lsb, bits, mode, reset);
            long max = bits == 64 ? -1L : (1L << bits) - 1;
            if ((reset & ~max) != 0) {
                throw new IllegalArgumentException("reset: 0x" + Long.toHexString(reset) + " (expected: fits " + bits
                        + " bits) of " + name + "." + fieldName);
            }
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
        public RegisterBuilder accessWidths(int... widths) {
            if (widths.length == 0) {
                throw new IllegalArgumentException("widths: none (expected: some of 1, 2, 4, 8 up to " + width + ") of "
                        + name);
            }
            for (int w : widths) {
                if (w != 1 && w != 2 && w != 4 && w != 8 || w > width) {
                    throw new IllegalArgumentException("widths: " + Arrays.toString(widths) + " (expected: 1, 2, 4 or 8"
                            + " up to " + width + ") of " + name);
                }
            }
            accessWidths = widths.clone();
            return this;
        }

        @Override
        public RegisterBuilder preWrite(PreWrite hook) {
            preWrite = hook;
            return this;
        }

        @Override
        public RegisterBuilder postWrite(PostWrite hook) {
            postWrite = hook;
            return this;
        }

        @Override
        public RegisterBuilder postRead(PostRead hook) {
            postRead = hook;
            return this;
        }

        @Override
        public RegisterBuilder ignoreWritesWhen(BooleanSupplier condition, String why) {
            ignoreWhen = condition;
            ignoreWhy = why;
            return this;
        }

        @Override
        public Builder end() {
            return block;
        }
    }
}

package io.jcma.devices.hw.internal;

import io.jcma.devices.hw.Clock;
import io.jcma.devices.hw.InterruptSources;
import io.jcma.devices.hw.IrqLine;
import io.jcma.devices.hw.MmioAccess;
import io.jcma.devices.hw.MmioResult;
import io.jcma.devices.hw.Register;
import io.jcma.devices.hw.RegisterBlock;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A register block as QEMU's register API (hw/core/register.c: register_write(),
 * register_read()) applies it: per-bit masks computed once from the fields, then each access
 * checked, masked and hooked under the block's monitor.
 *
 * <pre>
 *   write of w on the bytes `lane` of a register storing cur, reading as vis = cur &amp; declared &amp; ~wo:
 *     drv  = (cur outside lane) | w in lane          the driver's view of the whole register
 *     rsvd &amp; lane &amp; (drv ^ vis) != 0          -&gt; RESERVED_KEPT, guest error (QEMU compares with
 *                                                 the old value too; undeclared bits read as 0)
 *     w'   = preWrite(drv)
 *     new  = (rw|wo) &amp; w' | (ro|rc|rsvd) &amp; cur | w1c &amp; cur &amp; ~w' | w1s &amp; (cur | w')   in lane
 *     postWrite(the driver's bytes in place)
 *   read of `lane`:
 *     v = postRead(cur &amp; declared &amp; ~wo); cur &amp;= ~(rc &amp; lane); answer v's lane
 * </pre>
 * Where QEMU runs pre_write on the masked value, jcma's preWrite sees the driver's value before
 * the modes, as {@link RegisterBlock.RegisterBuilder#preWrite} says. A hook that throws is a
 * model bug: the access answers a SLAVE bus error and the bug goes to the guest-error sink.
 */
public final class RegisterBlockImpl implements RegisterBlock {
    private final String name;
    private final long size;
    private final RegisterImpl[] regs;
    private final Map<String, RegisterImpl> byName = new LinkedHashMap<>();
    private final Clock clock;
    private final Consumer<String> guestErrors;
    private final int logCapacity;
    private final ArrayDeque<MmioAccess> log = new ArrayDeque<>();
    private long seq;

    RegisterBlockImpl(RegisterBlockBuilder b, RegisterImpl[] regs) {
        this.name = b.name;
        this.size = b.size;
        this.regs = regs;
        for (RegisterImpl r : regs) {
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
        return new RegisterBlockBuilder(name, size);
    }

    public static InterruptSources interruptSources(Register status, Register enable, IrqLine line) {
        if (!(status instanceof RegisterImpl s) || !(enable instanceof RegisterImpl e) || s.block != e.block) {
            throw new IllegalArgumentException("status: " + status + ", enable: " + enable
                    + " (expected: two registers of one block)");
        }
        if (line == null) {
            throw new IllegalArgumentException("line: null (expected: the interrupt output to drive)");
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
            return refused(false, offset, width, 0, err);
        }
        RegisterImpl r = (RegisterImpl) found;
        int shift = (int) (offset - r.offset) * 8;
        long lane = RegisterImpl.laneMask(width) << shift;
        long v = r.value & r.readMask;
        if (r.postRead != null) {
            try {
                v = r.postRead.apply(r, v);
            } catch (RuntimeException e) {
                return modelBug(false, offset, width, 0, r, "postRead", e);
            }
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
        long written = value & RegisterImpl.laneMask(width);
        if (found instanceof MmioResult.BusError err) {
            return refused(true, offset, width, written, err);
        }
        RegisterImpl r = (RegisterImpl) found;
        try {
            if (r.ignoreWhen != null && r.ignoreWhen.getAsBoolean()) {
                String note = "write ignored: " + r.ignoreWhy;
                record(true, offset, width, written, r.name, MmioAccess.Outcome.IGNORED, note);
                guestError(r.name + " (offset 0x" + Long.toHexString(r.offset) + "): " + note + " (value 0x"
                        + Long.toHexString(written) + ")");
                return new MmioResult.Ok(0);
            }
        } catch (RuntimeException e) {
            return modelBug(true, offset, width, written, r, "ignoreWritesWhen", e);
        }
        int shift = (int) (offset - r.offset) * 8;
        long lane = RegisterImpl.laneMask(width) << shift;
        long cur = r.value;
        long drv = (cur & ~lane) | (written << shift);
        long tried = r.rsvdMask & lane & (drv ^ (cur & r.readMask));
        long w = drv;
        if (r.preWrite != null) {
            try {
                w = r.preWrite.apply(r, drv) & r.widthMask();
            } catch (RuntimeException e) {
                return modelBug(true, offset, width, written, r, "preWrite", e);
            }
        }
        long wl = w & lane;
        long next = (r.rwMask | r.woMask) & wl
                | (r.roMask | r.rcMask | r.rsvdMask) & cur
                | r.w1cMask & cur & ~wl
                | r.w1sMask & (cur | wl);
        r.value = (cur & ~lane) | (next & lane);
        if (tried != 0) {
            String note = "reserved bits 0x" + Long.toHexString(tried) + " kept";
            record(true, offset, width, written, r.name, MmioAccess.Outcome.RESERVED_KEPT, note);
            guestError(r.name + " (offset 0x" + Long.toHexString(r.offset) + "): " + note + " (value 0x"
                    + Long.toHexString(written) + ")");
        } else {
            record(true, offset, width, written, r.name, MmioAccess.Outcome.OK, null);
        }
        if (r.postWrite != null) {
            try {
                r.postWrite.apply(r, written << shift);
            } catch (RuntimeException e) {
                r.afterAccess();
                return modelBug(true, offset, width, written, r, "postWrite", e);
            }
        }
        r.afterAccess();
        return new MmioResult.Ok(0);
    }

    private MmioResult refused(boolean write, long offset, int width, long value, MmioResult.BusError err) {
        record(write, offset, width, value, registerAt(offset), MmioAccess.Outcome.BUS_ERROR, err.reason());
        guestError("bus error (" + err.kind() + "): " + (write ? "write" : "read") + " of " + width + " bytes at 0x"
                + Long.toHexString(offset) + ": " + err.reason());
        return err;
    }

    private MmioResult modelBug(boolean write, long offset, int width, long value, RegisterImpl r, String hook,
                                RuntimeException e) {
        String reason = "model bug: " + hook + " hook of " + r.name + " threw " + e;
        MmioResult.BusError err = new MmioResult.BusError(offset, width, MmioResult.BusError.Kind.SLAVE, reason);
        record(write, offset, width, value, r.name, MmioAccess.Outcome.BUS_ERROR, reason);
        guestError(reason);
        return err;
    }

    /** The register an access of {@code width} at {@code offset} hits, or the bus error. */
    private Object decode(long offset, int width) {
        if (width != 1 && width != 2 && width != 4 && width != 8) {
            return error(offset, width, MmioResult.BusError.Kind.WIDTH, "width: " + width + " (expected: 1, 2, 4 or 8)");
        }
        if (offset < 0 || offset >= size || size - offset < width) {
            return error(offset, width, MmioResult.BusError.Kind.DECODE, "offset: 0x" + Long.toHexString(offset)
                    + " (expected: below size 0x" + Long.toHexString(size) + ")");
        }
        if ((offset & (width - 1)) != 0) {
            return error(offset, width, MmioResult.BusError.Kind.ALIGNMENT, "offset: 0x" + Long.toHexString(offset)
                    + " (expected: aligned to width " + width + ")");
        }
        RegisterImpl r = covering(offset);
        if (r == null) {
            return error(offset, width, MmioResult.BusError.Kind.DECODE, "offset: 0x" + Long.toHexString(offset)
                    + " (expected: a register)");
        }
        if (!r.accepts(width) || offset + width > r.offset + r.width) {
            return error(offset, width, MmioResult.BusError.Kind.WIDTH, "width: " + width + " (expected: "
                    + r.widthsText() + ") at " + r.name);
        }
        return r;
    }

    private static MmioResult.BusError error(long offset, int width, MmioResult.BusError.Kind kind, String reason) {
        return new MmioResult.BusError(offset, width, kind, reason);
    }

    private RegisterImpl covering(long offset) {
        int lo = 0;
        int hi = regs.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            RegisterImpl r = regs[mid];
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
        RegisterImpl r = offset >= 0 ? covering(offset) : null;
        return r == null ? null : r.name;
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

    private void guestError(String what) {
        if (guestErrors != null) {
            guestErrors.accept(name + ": " + what);
        }
    }

    @Override
    public Register register(String regName) {
        RegisterImpl r = byName.get(regName);
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
        for (RegisterImpl r : regs) {
            r.value = r.reset;
        }
        for (RegisterImpl r : regs) {
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
}

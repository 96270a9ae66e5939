package io.jcma.devices.hw;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random register declarations and random accesses against a reference that knows each bit's
 * mode and applies the rules bit by bit, the way the hardware manual states them, instead of
 * the implementation's masks.
 */
class RegisterBlockProperties {
    static final long SIZE = 64;
    /** The modes, plus UNDECLARED for bits no field covers. */
    static final int UNDECLARED = FieldMode.values().length;

    /** The reference: per register, per bit, a mode and a stored value. */
    static final class Ref {
        final String name;
        final long offset;
        final int width;
        final int[] mode;
        final boolean[] bit;
        final int widths;

        Ref(String name, long offset, int width, int[] mode, long reset, int widths) {
            this.name = name;
            this.offset = offset;
            this.width = width;
            this.mode = mode;
            this.bit = new boolean[width * 8];
            for (int i = 0; i < bit.length; i++) {
                bit[i] = (reset >>> i & 1) != 0;
            }
            this.widths = widths;
        }

        boolean visible(int i) {
            return mode[i] != UNDECLARED && mode[i] != FieldMode.WO.ordinal() && bit[i];
        }

        long stored() {
            long v = 0;
            for (int i = 0; i < bit.length; i++) {
                v |= bit[i] ? 1L << i : 0;
            }
            return v;
        }
    }

    /** What an access should answer: a bus error kind, or a value and whether reserved bits were kept. */
    record Expect(MmioResult.BusError.Kind error, long value, boolean reservedKept) {
    }

    static Expect apply(List<Ref> regs, long offset, int width, boolean write, long value) {
        if (width != 1 && width != 2 && width != 4 && width != 8) {
            return new Expect(MmioResult.BusError.Kind.WIDTH, 0, false);
        }
        if (offset < 0 || offset + width > SIZE) {
            return new Expect(MmioResult.BusError.Kind.DECODE, 0, false);
        }
        if (offset % width != 0) {
            return new Expect(MmioResult.BusError.Kind.ALIGNMENT, 0, false);
        }
        Ref r = null;
        for (Ref c : regs) {
            if (offset >= c.offset && offset < c.offset + c.width) {
                r = c;
            }
        }
        if (r == null) {
            return new Expect(MmioResult.BusError.Kind.DECODE, 0, false);
        }
        if ((r.widths & width) == 0 || offset + width > r.offset + r.width) {
            return new Expect(MmioResult.BusError.Kind.WIDTH, 0, false);
        }
        int first = (int) (offset - r.offset) * 8;
        if (!write) {
            long out = 0;
            for (int i = 0; i < width * 8; i++) {
                out |= r.visible(first + i) ? 1L << i : 0;
            }
            for (int i = first; i < first + width * 8; i++) {
                if (r.mode[i] == FieldMode.RC.ordinal()) {
                    r.bit[i] = false;
                }
            }
            return new Expect(null, out, false);
        }
        boolean kept = false;
        for (int i = 0; i < width * 8; i++) {
            int b = first + i;
            boolean d = (value >>> i & 1) != 0;
            int m = r.mode[b];
            if (m == FieldMode.RW.ordinal() || m == FieldMode.WO.ordinal()) {
                r.bit[b] = d;
            } else if (m == FieldMode.W1C.ordinal()) {
                r.bit[b] &= !d;
            } else if (m == FieldMode.W1S.ordinal()) {
                r.bit[b] |= d;
            } else if (m == FieldMode.RSVD.ordinal() || m == UNDECLARED) {
                kept |= d != r.visible(b);
            }
        }
        return new Expect(null, 0, kept);
    }

    static List<Ref> declare(Random rnd, RegisterBlock.Builder b) {
        List<Ref> refs = new ArrayList<>();
        long off = 0;
        int n = 0;
        while (off < SIZE) {
            int width = 1 << rnd.nextInt(4);
            off = (off + width - 1) & -width;
            if (off + width > SIZE) {
                break;
            }
            if (rnd.nextInt(4) == 0) {
                off += width;
                continue;
            }
            String name = "R" + n++;
            RegisterBlock.RegisterBuilder rb = b.register(name, off, width);
            int[] mode = new int[width * 8];
            java.util.Arrays.fill(mode, UNDECLARED);
            long reset = 0;
            int bit = 0;
            int f = 0;
            while (bit < width * 8) {
                int len = 1 + rnd.nextInt(Math.min(12, width * 8 - bit));
                if (rnd.nextInt(5) != 0) {
                    FieldMode m = FieldMode.values()[rnd.nextInt(FieldMode.values().length)];
                    long r = rnd.nextLong() & (len == 64 ? -1L : (1L << len) - 1);
                    rb.field("F" + f++, bit, len, m, r);
                    for (int i = bit; i < bit + len; i++) {
                        mode[i] = m.ordinal();
                    }
                    reset |= r << bit;
                }
                bit += len;
            }
            int widths = 0;
            for (int w = 1; w <= width; w <<= 1) {
                if (rnd.nextInt(3) == 0) {
                    widths |= w;
                }
            }
            if (widths == 0) {
                widths = width;
            }
            List<Integer> ws = new ArrayList<>();
            for (int w = 1; w <= 8; w <<= 1) {
                if ((widths & w) != 0) {
                    ws.add(w);
                }
            }
            rb.accessWidths(ws.stream().mapToInt(Integer::intValue).toArray());
            refs.add(new Ref(name, off, width, mode, reset, widths));
            off += width;
        }
        return refs;
    }

    @Property(tries = 300)
    void accessesMatchTheBitByBitReference(@ForAll long seed) {
        Random rnd = new Random(seed);
        RegisterBlock.Builder b = RegisterBlock.builder("p", SIZE).accessLogCapacity(1);
        List<Ref> refs = declare(rnd, b);
        RegisterBlock block = b.build();
        for (Ref r : refs) {
            assertThat(block.register(r.name).value()).as("reset of %s", r.name).isEqualTo(r.stored());
        }
        for (int op = 0; op < 200; op++) {
            long offset;
            int width;
            if (!refs.isEmpty() && rnd.nextInt(5) != 0) {
                Ref r = refs.get(rnd.nextInt(refs.size()));
                width = 1 << rnd.nextInt(4);
                offset = r.offset + (rnd.nextInt(8) & -width);
            } else {
                offset = rnd.nextInt((int) SIZE + 8) - 4;
                width = new int[] {0, 1, 2, 3, 4, 8, 16}[rnd.nextInt(7)];
            }
            boolean write = rnd.nextBoolean();
            long value = rnd.nextLong();
            Expect e = apply(refs, offset, width, write, value & (width >= 8 ? -1L : (1L << (width * 8)) - 1));
            MmioResult got = write ? block.write(offset, width, value) : block.read(offset, width);
            String what = (write ? "write " : "read ") + width + "@" + offset + " seed " + seed;
            if (e.error() != null) {
                assertThat(got).as(what).isInstanceOf(MmioResult.BusError.class);
                assertThat(((MmioResult.BusError) got).kind()).as(what).isEqualTo(e.error());
            } else {
                assertThat(got).as(what).isEqualTo(new MmioResult.Ok(e.value()));
                assertThat(block.accessLog().getLast().outcome()).as(what).isEqualTo(
                        e.reservedKept() ? MmioAccess.Outcome.RESERVED_KEPT : MmioAccess.Outcome.OK);
            }
            for (Ref r : refs) {
                assertThat(block.register(r.name).value()).as("%s after %s", r.name, what).isEqualTo(r.stored());
            }
        }
    }
}

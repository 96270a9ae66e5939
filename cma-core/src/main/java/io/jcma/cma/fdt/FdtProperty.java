package io.jcma.cma.fdt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One property of a device-tree node: a name and a big-endian value. The accessors check the
 * value's length and throw {@link FdtException} (FDT_ERR_BADVALUE, naming the property and the
 * blob offset of its FDT_PROP token) when it does not fit, as of_property_read_*() return
 * -EOVERFLOW / -EILSEQ.
 */
public final class FdtProperty {
    private final String name;
    private final byte[] value;
    private final long offset;

    FdtProperty(String name, byte[] value, long offset) {
        this.name = name;
        this.value = value;
        this.offset = offset;
    }

    public String name() {
        return name;
    }

    /** The blob offset of this property's FDT_PROP token (-1 when built in memory). */
    public long offset() {
        return offset;
    }

    public int length() {
        return value.length;
    }

    /** A copy of the raw value. */
    public byte[] bytes() {
        return value.clone();
    }

    /** True for an empty (boolean) property such as {@code no-map;}. */
    public boolean isEmpty() {
        return value.length == 0;
    }

    /** of_property_read_u32(): the value must be exactly one cell. */
    public int u32() {
        if (value.length != 4) {
            throw bad("length " + value.length + " (expected: 4 for a u32)");
        }
        return cell(0);
    }

    /** of_property_read_u64(): the value must be exactly two cells. */
    public long u64() {
        if (value.length != 8) {
            throw bad("length " + value.length + " (expected: 8 for a u64)");
        }
        return ((long) cell(0) << 32) | Integer.toUnsignedLong(cell(1));
    }

    /** The value as cells; its length must be a multiple of 4. */
    public int[] cells() {
        if (value.length % 4 != 0) {
            throw bad("length " + value.length + " (expected: a multiple of 4 for cells)");
        }
        int[] out = new int[value.length / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = cell(i);
        }
        return out;
    }

    /** Cell {@code i} of the value (no length check beyond bounds). */
    int cell(int i) {
        int o = i * 4;
        return ((value[o] & 0xff) << 24) | ((value[o + 1] & 0xff) << 16) | ((value[o + 2] & 0xff) << 8) | (value[o + 3] & 0xff);
    }

    /**
     * of_read_number(): {@code n} cells from cell {@code from} as one number (only the last two
     * cells count, as in the kernel).
     */
    public long number(int from, int n) {
        if (from < 0 || n < 0 || (long) (from + n) * 4 > value.length) {
            throw bad("length " + value.length + " (expected: at least " + ((long) (from + n) * 4) + " bytes)");
        }
        long r = 0;
        for (int i = from; i < from + n; i++) {
            r = (r << 32) | Integer.toUnsignedLong(cell(i));
        }
        return r;
    }

    /** of_property_read_string(): a NUL-terminated string. */
    public String string() {
        List<String> s = strings();
        if (s.isEmpty()) {
            throw bad("empty (expected: a NUL-terminated string)");
        }
        return s.getFirst();
    }

    /** of_property_read_string_array(): NUL-terminated strings, the last one terminated too. */
    public List<String> strings() {
        if (value.length == 0) {
            return List.of();
        }
        if (value[value.length - 1] != 0) {
            throw bad("not NUL-terminated (expected: a string list)");
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < value.length; i++) {
            if (value[i] == 0) {
                out.add(new String(value, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
    }

    private FdtException bad(String reason) {
        return new FdtException(FdtException.Error.FDT_ERR_BADVALUE, Math.max(offset, 0), "property " + name + ": " + reason);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FdtProperty p && p.name.equals(name) && Arrays.equals(p.value, value);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return name + " (" + value.length + " bytes)";
    }
}

package io.jcma.cma.fdt;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a version 17 DTB the way dtc lays one out (header, memory reservation block,
 * structure block, strings block), for the built-in platform and for tests that must not need
 * dtc. Nodes are opened and closed in order, like libfdt's sequential-write API
 * (fdt_begin_node / fdt_property / fdt_end_node / fdt_finish).
 */
public final class FdtWriter {
    private final List<Fdt.Reservation> reservations = new ArrayList<>();
    private final ByteArrayOutputStream struct = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final Map<String, Integer> stringOffsets = new LinkedHashMap<>();
    private int depth;
    private boolean rootDone;

    private FdtWriter() {
    }

    public static FdtWriter create() {
        return new FdtWriter();
    }

    /** Re-serialises a parsed tree. */
    public static byte[] write(Fdt fdt) {
        FdtWriter w = create();
        for (Fdt.Reservation r : fdt.memReserve()) {
            w.memReserve(r.address(), r.size());
        }
        w.node(fdt.root());
        return w.finish(fdt.bootCpuidPhys());
    }

    private void node(FdtNode n) {
        beginNode(n.name());
        for (FdtProperty p : n.properties().values()) {
            property(p.name(), p.bytes());
        }
        for (FdtNode c : n.children()) {
            node(c);
        }
        endNode();
    }

    /** A /memreserve/ entry (fdt_add_reservemap_entry). */
    public FdtWriter memReserve(long address, long size) {
        reservations.add(new Fdt.Reservation(address, size));
        return this;
    }

    /** fdt_begin_node(); the first call opens the root and takes "". */
    public FdtWriter beginNode(String name) {
        if (rootDone) {
            throw new IllegalStateException("beginNode: " + name + " after the root node was closed");
        }
        word(Fdt.FDT_BEGIN_NODE);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        struct.writeBytes(n);
        struct.write(0);
        pad();
        depth++;
        return this;
    }

    /** fdt_end_node(). */
    public FdtWriter endNode() {
        if (depth == 0) {
            throw new IllegalStateException("endNode: no open node");
        }
        word(Fdt.FDT_END_NODE);
        depth--;
        if (depth == 0) {
            rootDone = true;
        }
        return this;
    }

    /** fdt_property() with a raw value. */
    public FdtWriter property(String name, byte[] value) {
        if (depth == 0) {
            throw new IllegalStateException("property: " + name + " outside any node");
        }
        word(Fdt.FDT_PROP);
        word(value.length);
        word(stringOffsets.computeIfAbsent(name, k -> {
            int off = strings.size();
            strings.writeBytes(k.getBytes(StandardCharsets.UTF_8));
            strings.write(0);
            return off;
        }));
        struct.writeBytes(value);
        pad();
        return this;
    }

    /** An empty (boolean) property. */
    public FdtWriter property(String name) {
        return property(name, new byte[0]);
    }

    /** A property of 32-bit cells ({@code <1 2 3>}). */
    public FdtWriter cells(String name, long... cells) {
        byte[] v = new byte[cells.length * 4];
        for (int i = 0; i < cells.length; i++) {
            put32(v, i * 4, (int) cells[i]);
        }
        return property(name, v);
    }

    /** A property of 64-bit numbers, each as two cells ({@code /bits/ 64} or {@code <hi lo>}). */
    public FdtWriter u64s(String name, long... values) {
        byte[] v = new byte[values.length * 8];
        for (int i = 0; i < values.length; i++) {
            put32(v, i * 8, (int) (values[i] >>> 32));
            put32(v, i * 8 + 4, (int) values[i]);
        }
        return property(name, v);
    }

    /** A string or string-list property ({@code "a", "b"}). */
    public FdtWriter strings(String name, String... values) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (String s : values) {
            o.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            o.write(0);
        }
        return property(name, o.toByteArray());
    }

    /** fdt_finish(): the blob. */
    public byte[] finish(int bootCpuidPhys) {
        if (depth != 0 || !rootDone) {
            throw new IllegalStateException("finish: " + depth + " node(s) still open");
        }
        word(Fdt.FDT_END);
        int rsvOff = Fdt.HEADER_SIZE;
        rsvOff = (rsvOff + 7) & ~7;
        int rsvSize = (reservations.size() + 1) * 16;
        int structOff = rsvOff + rsvSize;
        int structSize = struct.size();
        int stringsOff = structOff + structSize;
        int stringsSize = strings.size();
        int total = stringsOff + stringsSize;
        byte[] b = new byte[total];
        put32(b, 0, Fdt.FDT_MAGIC);
        put32(b, 4, total);
        put32(b, 8, structOff);
        put32(b, 12, stringsOff);
        put32(b, 16, rsvOff);
        put32(b, 20, 17);
        put32(b, 24, 16);
        put32(b, 28, bootCpuidPhys);
        put32(b, 32, stringsSize);
        put32(b, 36, structSize);
        int o = rsvOff;
        for (Fdt.Reservation r : reservations) {
            put32(b, o, (int) (r.address() >>> 32));
            put32(b, o + 4, (int) r.address());
            put32(b, o + 8, (int) (r.size() >>> 32));
            put32(b, o + 12, (int) r.size());
            o += 16;
        }
        System.arraycopy(struct.toByteArray(), 0, b, structOff, structSize);
        System.arraycopy(strings.toByteArray(), 0, b, stringsOff, stringsSize);
        return b;
    }

    private void word(int v) {
        struct.write(v >>> 24);
        struct.write(v >>> 16);
        struct.write(v >>> 8);
        struct.write(v);
    }

    private void pad() {
        while (struct.size() % 4 != 0) {
            struct.write(0);
        }
    }

    private static void put32(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 24);
        b[o + 1] = (byte) (v >>> 16);
        b[o + 2] = (byte) (v >>> 8);
        b[o + 3] = (byte) v;
    }
}

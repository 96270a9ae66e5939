package io.jcma.cma.fdt;

import org.junit.jupiter.api.Test;

import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parser's reading of valid blobs and one test per check it makes. */
class FdtTest {
    /** A small valid tree made without dtc. */
    static byte[] sample() {
        FdtWriter w = FdtWriter.create().memReserve(0x1000_0000L, 0x10_0000L);
        w.beginNode("").cells("#address-cells", 2).cells("#size-cells", 1).strings("model", "sample")
                .strings("compatible", "acme,board", "acme,soc");
        w.beginNode("memory@80000000").strings("device_type", "memory").cells("reg", 0, 0x8000_0000L, 0x4000_0000L).endNode();
        w.beginNode("intc").cells("phandle", 1).property("interrupt-controller").endNode();
        w.beginNode("soc").cells("#address-cells", 1).cells("#size-cells", 1).property("ranges");
        w.beginNode("uart@1000").strings("compatible", "ns16550a").cells("reg", 0x1000, 0x100).cells("interrupts", 5)
                .u64s("clock", 1_843_200L).endNode();
        w.endNode();
        w.endNode();
        return w.finish(3);
    }

    @Test
    void readsHeaderReservationsNodesAndProperties() {
        Fdt f = Fdt.parse(sample());
        assertThat(f.version()).isEqualTo(17);
        assertThat(f.lastCompVersion()).isEqualTo(16);
        assertThat(f.bootCpuidPhys()).isEqualTo(3);
        assertThat(f.memReserve()).containsExactly(new Fdt.Reservation(0x1000_0000L, 0x10_0000L));
        assertThat(f.nodes()).extracting(FdtNode::path)
                .containsExactly("/", "/memory@80000000", "/intc", "/soc", "/soc/uart@1000");
        FdtNode uart = f.node("/soc/uart@1000").orElseThrow();
        assertThat(f.node("/soc/uart")).containsSame(uart);
        assertThat(uart.unitAddress()).isEqualTo("1000");
        assertThat(uart.baseName()).isEqualTo("uart");
        assertThat(uart.compatible()).containsExactly("ns16550a");
        assertThat(uart.reg()).containsExactly(new FdtNode.Reg(0x1000, 0x100));
        assertThat(uart.property("interrupts").orElseThrow().u32()).isEqualTo(5);
        assertThat(uart.property("clock").orElseThrow().u64()).isEqualTo(1_843_200L);
        FdtNode mem = f.node("/memory@80000000").orElseThrow();
        assertThat(mem.addressCells()).isEqualTo(2);
        assertThat(mem.sizeCells()).isEqualTo(1);
        assertThat(mem.reg()).containsExactly(new FdtNode.Reg(0x8000_0000L, 0x4000_0000L));
        assertThat(f.root().compatible()).containsExactly("acme,board", "acme,soc");
        assertThat(f.byPhandle(1)).contains(f.node("/intc").orElseThrow());
        assertThat(f.node("/intc").orElseThrow().property("interrupt-controller").orElseThrow().isEmpty()).isTrue();
        assertThat(f.node("/nope")).isEmpty();
        assertThat(f.node("soc")).isEmpty();
    }

    @Test
    void writerRoundTripsAParsedTree() {
        byte[] blob = sample();
        assertThat(FdtWriter.write(Fdt.parse(blob))).isEqualTo(blob);
    }

    @Test
    void cellDefaultsAreTheKernelsWhenNoNodeSaysOtherwise() {
        FdtWriter w = FdtWriter.create();
        w.beginNode("").beginNode("a@0").cells("reg", 0x10, 0x20).endNode().endNode();
        FdtNode a = Fdt.parse(w.finish(0)).node("/a@0").orElseThrow();
        assertThat(a.addressCells()).isEqualTo(FdtNode.ROOT_ADDR_CELLS_DEFAULT);
        assertThat(a.sizeCells()).isEqualTo(FdtNode.ROOT_SIZE_CELLS_DEFAULT);
        assertThat(a.reg()).containsExactly(new FdtNode.Reg(0x10, 0x20));
    }

    @Test
    void propertyAccessorsCheckLengths() {
        FdtWriter w = FdtWriter.create();
        w.beginNode("").cells("two", 1, 2).property("odd", new byte[] {1, 2, 3}).property("unterminated", new byte[] {'a'})
                .cells("#address-cells", 7).beginNode("c").cells("reg", 1).endNode().endNode();
        Fdt f = Fdt.parse(w.finish(0));
        FdtNode r = f.root();
        assertBadValue(() -> r.property("two").orElseThrow().u32(), "property two: length 8 (expected: 4 for a u32)");
        assertBadValue(() -> r.property("odd").orElseThrow().cells(), "property odd: length 3 (expected: a multiple of 4");
        assertBadValue(() -> r.property("odd").orElseThrow().u64(), "property odd: length 3 (expected: 8 for a u64)");
        assertBadValue(() -> r.property("unterminated").orElseThrow().strings(), "not NUL-terminated");
        assertThatThrownBy(() -> f.node("/c").orElseThrow().reg()).isInstanceOf(FdtException.class)
                .hasMessageContaining("FDT_ERR_BADNCELLS").hasMessageContaining("#address-cells=7 (expected: 0..4)");
    }

    private static void assertBadValue(Runnable r, String text) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(FdtException.class,
                e -> assertThat(e.error()).isEqualTo(FdtException.Error.FDT_ERR_BADVALUE)).hasMessageContaining(text);
    }

    @Test
    void regOfTheWrongLengthIsABadValue() {
        FdtWriter w = FdtWriter.create();
        w.beginNode("").cells("#address-cells", 2).cells("#size-cells", 2).beginNode("m").cells("reg", 1, 2, 3).endNode().endNode();
        assertThatThrownBy(() -> Fdt.parse(w.finish(0)).node("/m").orElseThrow().reg())
                .isInstanceOf(FdtException.class).hasMessageContaining("/m: reg length 12 (expected: a multiple of 16 bytes");
    }

    // ---- header checks (fdt_check_header) ----

    private static byte[] patch(byte[] b, int off, int v) {
        byte[] c = b.clone();
        c[off] = (byte) (v >>> 24);
        c[off + 1] = (byte) (v >>> 16);
        c[off + 2] = (byte) (v >>> 8);
        c[off + 3] = (byte) v;
        return c;
    }

    private static int get(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    private static void fails(byte[] blob, FdtException.Error error, long offset, String text) {
        assertThatThrownBy(() -> Fdt.parse(blob)).isInstanceOfSatisfying(FdtException.class, e -> {
            assertThat(e.error()).isEqualTo(error);
            assertThat(e.offset()).isEqualTo(offset);
            assertThat(e.errno().name()).isEqualTo("EINVAL");
        }).hasMessageContaining(text);
    }

    @Test
    void tooShortForAMagic() {
        fails(new byte[3], FdtException.Error.FDT_ERR_TRUNCATED, 0, "blob is 3 bytes");
    }

    @Test
    void badMagic() {
        fails(patch(sample(), 0, 0xfeedd00d), FdtException.Error.FDT_ERR_BADMAGIC, 0, "magic=0xfeedd00d (expected: 0xd00dfeed)");
    }

    @Test
    void headerCutShort() {
        byte[] s = sample();
        fails(java.util.Arrays.copyOf(s, 20), FdtException.Error.FDT_ERR_TRUNCATED, 0, "blob is 20 bytes");
        fails(java.util.Arrays.copyOf(s, 38), FdtException.Error.FDT_ERR_TRUNCATED, 0, "a 40-byte version 17 header");
    }

    @Test
    void versionTooOld() {
        fails(patch(sample(), 20, 15), FdtException.Error.FDT_ERR_BADVERSION, 20, "version=15 (expected: 16 or 17)");
    }

    @Test
    void lastCompatibleVersionTooNew() {
        fails(patch(sample(), 24, 18), FdtException.Error.FDT_ERR_BADVERSION, 24, "last_comp_version=18");
    }

    @Test
    void versionBelowLastCompatible() {
        fails(patch(patch(sample(), 20, 16), 24, 17), FdtException.Error.FDT_ERR_BADVERSION, 20,
                "version=16 < last_comp_version=17");
    }

    @Test
    void version16WithoutStructSizeIsRead() {
        byte[] v16 = patch(sample(), 20, 16);
        assertThat(Fdt.parse(v16).version()).isEqualTo(16);
    }

    @Test
    void totalsizeBeyondTheBuffer() {
        byte[] s = sample();
        fails(patch(s, 4, s.length + 1), FdtException.Error.FDT_ERR_TRUNCATED, 4, "but the blob has " + s.length + " bytes");
        fails(java.util.Arrays.copyOf(s, s.length - 1), FdtException.Error.FDT_ERR_TRUNCATED, 4, "totalsize=" + s.length);
    }

    @Test
    void totalsizeSmallerThanTheHeader() {
        fails(patch(sample(), 4, 39), FdtException.Error.FDT_ERR_TRUNCATED, 4, "totalsize=39 (expected: 40..");
    }

    @Test
    void blockOffsetsOutsideTotalsize() {
        byte[] s = sample();
        fails(patch(s, 16, s.length + 8), FdtException.Error.FDT_ERR_TRUNCATED, 16, "off_mem_rsvmap=");
        fails(patch(s, 16, 8), FdtException.Error.FDT_ERR_TRUNCATED, 16, "off_mem_rsvmap=8 (expected: 40..");
        fails(patch(s, 8, s.length + 4), FdtException.Error.FDT_ERR_TRUNCATED, 8, "off_dt_struct=");
        fails(patch(s, 12, 0xffff_fff0), FdtException.Error.FDT_ERR_TRUNCATED, 12, "off_dt_strings=4294967280");
    }

    @Test
    void blockSizesPastTotalsize() {
        byte[] s = sample();
        fails(patch(s, 36, get(s, 36) + s.length), FdtException.Error.FDT_ERR_TRUNCATED, 36, "size_dt_struct=");
        fails(patch(s, 32, 0x7fff_ffff), FdtException.Error.FDT_ERR_TRUNCATED, 32, "size_dt_strings=2147483647");
    }

    @Test
    void reservationBlockWithoutTerminator() {
        FdtWriter w = FdtWriter.create();
        w.beginNode("").endNode();
        byte[] b = w.finish(0);
        // point the reservation map at the last 8 bytes: no room for a 16-byte entry
        fails(patch(b, 16, b.length - 8), FdtException.Error.FDT_ERR_TRUNCATED, b.length - 8,
                "memory reservation block runs past totalsize");
    }

    // ---- structure checks (fdt_check_full) ----

    /** Builds a blob whose structure block is exactly {@code words} (and strings "a\0b\0"). */
    static byte[] raw(int... words) {
        byte[] strings = {'a', 0, 'b', 0};
        int structOff = 40 + 16;
        int total = structOff + words.length * 4 + strings.length;
        byte[] b = new byte[total];
        int[] hdr = {Fdt.FDT_MAGIC, total, structOff, structOff + words.length * 4, 40, 17, 16, 0, strings.length, words.length * 4};
        for (int i = 0; i < hdr.length; i++) {
            put(b, i * 4, hdr[i]);
        }
        for (int i = 0; i < words.length; i++) {
            put(b, structOff + i * 4, words[i]);
        }
        System.arraycopy(strings, 0, b, structOff + words.length * 4, strings.length);
        return b;
    }

    private static void put(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 24);
        b[o + 1] = (byte) (v >>> 16);
        b[o + 2] = (byte) (v >>> 8);
        b[o + 3] = (byte) v;
    }

    static final int BEGIN = Fdt.FDT_BEGIN_NODE;
    static final int END_NODE = Fdt.FDT_END_NODE;
    static final int PROP = Fdt.FDT_PROP;
    static final int NOP = Fdt.FDT_NOP;
    static final int END = Fdt.FDT_END;
    /** A node name "x" padded: 'x', 0, 0, 0. */
    static final int X = 0x7800_0000;
    static final int Y = 0x7900_0000;

    @Test
    void minimalTreeWithNops() {
        Fdt f = Fdt.parse(raw(NOP, BEGIN, 0, NOP, PROP, 0, 0, END_NODE, NOP, END));
        assertThat(f.root().properties()).containsKey("a");
    }

    @Test
    void structureEndsBeforeFdtEnd() {
        fails(raw(BEGIN, 0, END_NODE), FdtException.Error.FDT_ERR_TRUNCATED, 56 + 12, "before FDT_END");
    }

    @Test
    void unknownToken() {
        fails(raw(BEGIN, 0, 0x77, END_NODE, END), FdtException.Error.FDT_ERR_BADSTRUCTURE, 56 + 8, "unknown token 0x00000077");
    }

    @Test
    void endNodeOutsideAnyNode() {
        fails(raw(END_NODE, END), FdtException.Error.FDT_ERR_BADSTRUCTURE, 56, "FDT_END_NODE outside any node");
    }

    @Test
    void endInsideANode() {
        fails(raw(BEGIN, 0, BEGIN, X, END_NODE, END), FdtException.Error.FDT_ERR_BADSTRUCTURE, 56 + 20, "FDT_END inside / at depth 1");
    }

    @Test
    void endBeforeTheRoot() {
        fails(raw(NOP, END), FdtException.Error.FDT_ERR_BADSTRUCTURE, 56 + 4, "FDT_END before the root node");
    }

    @Test
    void secondRoot() {
        fails(raw(BEGIN, 0, END_NODE, BEGIN, 0, END_NODE, END), FdtException.Error.FDT_ERR_BADSTRUCTURE, 56 + 12, "a second root node");
    }

    @Test
    void namedRoot() {
        // fdt_check_full(): the root node must have an empty name
        fails(raw(BEGIN, X, END_NODE, END), FdtException.Error.FDT_ERR_BADSTRUCTURE, 56, "root node name 'x' (expected: empty)");
    }

    @Test
    void propertyOutsideAnyNode() {
        fails(raw(PROP, 0, 0, END), FdtException.Error.FDT_ERR_BADSTRUCTURE, 56, "property outside any node");
    }

    @Test
    void propertyLengthPastTheBlock() {
        fails(raw(BEGIN, 0, PROP, 4096, 0, END_NODE, END), FdtException.Error.FDT_ERR_TRUNCATED, 56 + 8, "property len=4096 runs past");
        fails(raw(BEGIN, 0, PROP, -1, 0, END_NODE, END), FdtException.Error.FDT_ERR_TRUNCATED, 56 + 8, "property len=4294967295");
    }

    @Test
    void propertyHeaderCutShort() {
        fails(raw(BEGIN, 0, PROP, 0), FdtException.Error.FDT_ERR_TRUNCATED, 56 + 8, "property header runs past");
    }

    @Test
    void propertyNameOffsetOutsideStrings() {
        fails(raw(BEGIN, 0, PROP, 0, 4, END_NODE, END), FdtException.Error.FDT_ERR_BADOFFSET, 56 + 16, "nameoff=4 (expected: < size_dt_strings=4)");
        fails(raw(BEGIN, 0, PROP, 0, -4, END_NODE, END), FdtException.Error.FDT_ERR_BADOFFSET, 56 + 16, "nameoff=4294967292");
    }

    @Test
    void propertyNameNotTerminatedInStrings() {
        byte[] b = raw(BEGIN, 0, PROP, 0, 2, END_NODE, END);
        b[b.length - 1] = 'c'; // "b" loses its NUL
        fails(b, FdtException.Error.FDT_ERR_TRUNCATED, b.length - 2, "property name not NUL-terminated");
    }

    @Test
    void emptyPropertyName() {
        byte[] b = raw(BEGIN, 0, PROP, 0, 1, END_NODE, END);
        fails(b, FdtException.Error.FDT_ERR_BADSTRUCTURE, 56 + 8, "empty property name in /");
    }

    @Test
    void duplicateProperty() {
        fails(raw(BEGIN, 0, PROP, 0, 0, PROP, 0, 0, END_NODE, END), FdtException.Error.FDT_ERR_BADSTRUCTURE, 56 + 20,
                "duplicate property a in /");
    }

    @Test
    void nodeNameNotTerminated() {
        fails(raw(BEGIN, 0x41414141), FdtException.Error.FDT_ERR_TRUNCATED, 56 + 4, "node name not NUL-terminated");
    }

    @Test
    void emptyOrSlashedNodeName() {
        fails(raw(BEGIN, 0, BEGIN, 0, END_NODE, END_NODE, END), FdtException.Error.FDT_ERR_BADSTRUCTURE, 56 + 8, "node name '' under /");
        fails(raw(BEGIN, 0, BEGIN, 0x612f6200, END_NODE, END_NODE, END), FdtException.Error.FDT_ERR_BADSTRUCTURE, 56 + 8,
                "node name 'a/b' under /");
    }

    @Test
    void duplicateSiblings() {
        fails(raw(BEGIN, 0, BEGIN, X, END_NODE, BEGIN, X, END_NODE, END_NODE, END), FdtException.Error.FDT_ERR_BADSTRUCTURE,
                56 + 20, "duplicate node /x");
        assertThat(Fdt.parse(raw(BEGIN, 0, BEGIN, X, END_NODE, BEGIN, Y, END_NODE, END_NODE, END)).root().children()).hasSize(2);
    }

    @Test
    void nestingDeeperThanTheKernelUnflattens() {
        int depth = Fdt.MAX_DEPTH;
        int[] ok = new int[2 + depth * 2 + depth + 2];
        int i = 0;
        ok[i++] = BEGIN;
        ok[i++] = 0;
        for (int d = 1; d < depth; d++) {
            ok[i++] = BEGIN;
            ok[i++] = X;
        }
        for (int d = 0; d < depth; d++) {
            ok[i++] = END_NODE;
        }
        ok[i++] = END;
        assertThat(Fdt.parse(raw(java.util.Arrays.copyOf(ok, i))).nodes()).hasSize(depth);
        int[] deep = new int[i + 3];
        System.arraycopy(ok, 0, deep, 0, 2 + (depth - 1) * 2);
        int j = 2 + (depth - 1) * 2;
        deep[j++] = BEGIN;
        deep[j++] = X;
        for (int d = 0; d <= depth; d++) {
            deep[j++] = END_NODE;
        }
        deep[j++] = END;
        fails(raw(java.util.Arrays.copyOf(deep, j)), FdtException.Error.FDT_ERR_BADSTRUCTURE, 56 + 8L * depth,
                "nests deeper than 64 levels");
    }

    @Test
    void phandleChecks() {
        Consumer<FdtWriter> none = w -> { };
        fails(tree(w -> w.beginNode("a").cells("phandle", 0).endNode()), FdtException.Error.FDT_ERR_BADPHANDLE, -1,
                "/a: phandle=0x0");
        fails(tree(w -> w.beginNode("a").cells("phandle", 0xffff_ffffL).endNode()), FdtException.Error.FDT_ERR_BADPHANDLE, -1,
                "=0xffffffff");
        fails(tree(w -> w.beginNode("a").cells("phandle", 1, 2).endNode()), FdtException.Error.FDT_ERR_BADPHANDLE, -1,
                "/a: phandle length 8 (expected: 4)");
        fails(tree(w -> {
            w.beginNode("a").cells("phandle", 5).endNode();
            w.beginNode("b").cells("linux,phandle", 5).endNode();
        }), FdtException.Error.FDT_ERR_BADPHANDLE, -1, "phandle 0x5 of /b is also /a's");
        Fdt both = Fdt.parse(tree(w -> w.beginNode("a").cells("phandle", 7).cells("linux,phandle", 7).endNode()));
        assertThat(both.byPhandle(7).orElseThrow().path()).isEqualTo("/a");
        assertThat(Fdt.parse(tree(none)).byPhandle(7)).isEmpty();
    }

    private static byte[] tree(Consumer<FdtWriter> body) {
        FdtWriter w = FdtWriter.create();
        w.beginNode("");
        body.accept(w);
        w.endNode();
        return w.finish(0);
    }

    /** fails() for errors whose offset is a property's: checks only that it lies in the structure block. */
    private static void fails(byte[] blob, FdtException.Error error, int anyOffset, String text) {
        if (anyOffset >= 0) {
            fails(blob, error, (long) anyOffset, text);
            return;
        }
        int structOff = get(blob, 8);
        assertThatThrownBy(() -> Fdt.parse(blob)).isInstanceOfSatisfying(FdtException.class, e -> {
            assertThat(e.error()).isEqualTo(error);
            assertThat(e.offset()).isBetween((long) structOff, (long) structOff + get(blob, 36));
        }).hasMessageContaining(text);
    }

    @Test
    void writerRefusesMisuse() {
        assertThatThrownBy(() -> FdtWriter.create().endNode()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> FdtWriter.create().property("x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> FdtWriter.create().beginNode("").finish(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> FdtWriter.create().beginNode("").endNode().beginNode("x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void dtcAgreesWithTheWriter() {
        Dtc.assumeAvailable();
        String src = Dtc.decompile(sample());
        Fdt viaDtc = Fdt.parse(Dtc.compile(src));
        Fdt ours = Fdt.parse(sample());
        assertThat(viaDtc.nodes()).extracting(FdtNode::path).isEqualTo(ours.nodes().stream().map(FdtNode::path).toList());
        for (FdtNode n : ours.nodes()) {
            assertThat(viaDtc.node(n.path()).orElseThrow().properties()).isEqualTo(n.properties());
        }
        assertThat(viaDtc.memReserve()).isEqualTo(ours.memReserve());
    }
}

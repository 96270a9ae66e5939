package io.jcma.devices.hw;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every access rule of {@link RegisterBlock}, one test each. */
class RegisterBlockTest {
    private final List<String> guestErrors = new ArrayList<>();

    private RegisterBlock.Builder builder() {
        return RegisterBlock.builder("t", 0x100).guestErrors(guestErrors::add);
    }

    private static long read(RegisterBlock b, long off, int width) {
        MmioResult r = b.read(off, width);
        assertThat(r).isInstanceOf(MmioResult.Ok.class);
        return ((MmioResult.Ok) r).value();
    }

    private static void write(RegisterBlock b, long off, int width, long v) {
        assertThat(b.write(off, width, v).ok()).isTrue();
    }

    private static MmioResult.BusError.Kind errorKind(MmioResult r) {
        assertThat(r).isInstanceOf(MmioResult.BusError.class);
        return ((MmioResult.BusError) r).kind();
    }

    private static MmioAccess last(RegisterBlock b) {
        return b.accessLog().getLast();
    }

    @Test
    void registersStartAtTheirResetValueAndResetRestoresIt() {
        RegisterBlock b = builder().register("ID", 0, 4).field("REV", 0, 8, FieldMode.RO, 0x12)
                .field("MAJ", 8, 8, FieldMode.RW, 0x34).end().build();
        assertThat(read(b, 0, 4)).isEqualTo(0x3412);
        assertThat(b.register("ID").resetValue()).isEqualTo(0x3412);
        write(b, 0, 4, 0xff00);
        assertThat(read(b, 0, 4)).isEqualTo(0xff12);
        b.reset();
        assertThat(read(b, 0, 4)).isEqualTo(0x3412);
    }

    @Test
    void readOnlyBitsKeepTheirValueOnWrite() {
        RegisterBlock b = builder().register("S", 0, 4).field("BUSY", 0, 1, FieldMode.RO).field("X", 1, 7, FieldMode.RW)
                .end().build();
        b.register("S").setBits(1);
        write(b, 0, 4, 0xfe);
        assertThat(read(b, 0, 4)).isEqualTo(0xff);
        write(b, 0, 4, 0);
        assertThat(read(b, 0, 4)).isEqualTo(0x01);
        assertThat(last(b).outcome()).isEqualTo(MmioAccess.Outcome.OK);
    }

    @Test
    void writeOnlyBitsReadAsZeroButStoreTheValue() {
        RegisterBlock b = builder().register("DB", 0, 4).field("KICK", 0, 16, FieldMode.WO).end().build();
        write(b, 0, 4, 0xbeef);
        assertThat(read(b, 0, 4)).isZero();
        assertThat(b.register("DB").value()).isEqualTo(0xbeef);
    }

    @Test
    void writeOneToClearClearsOnlyTheOnesWritten() {
        RegisterBlock b = builder().register("ST", 0, 4).field("EV", 0, 8, FieldMode.W1C).end().build();
        b.register("ST").set(0b1011);
        write(b, 0, 4, 0b0010);
        assertThat(read(b, 0, 4)).isEqualTo(0b1001);
        write(b, 0, 4, 0);
        assertThat(read(b, 0, 4)).isEqualTo(0b1001);
    }

    @Test
    void writeOneToSetSetsOnlyTheOnesWritten() {
        RegisterBlock b = builder().register("EN", 0, 4).field("E", 0, 8, FieldMode.W1S).end().build();
        write(b, 0, 4, 0b0101);
        write(b, 0, 4, 0b0010);
        write(b, 0, 4, 0);
        assertThat(read(b, 0, 4)).isEqualTo(0b0111);
    }

    @Test
    void readToClearReturnsTheValueThenClears() {
        RegisterBlock b = builder().register("CNT", 0, 4).field("N", 0, 32, FieldMode.RC).end().build();
        b.register("CNT").set(7);
        assertThat(read(b, 0, 4)).isEqualTo(7);
        assertThat(read(b, 0, 4)).isZero();
    }

    @Test
    void readToClearClearsOnlyTheBytesARead() {
        RegisterBlock b = builder().register("CNT", 0, 4).field("N", 0, 32, FieldMode.RC).accessWidths(1, 4).end()
                .build();
        b.register("CNT").set(0x11223344);
        assertThat(read(b, 1, 1)).isEqualTo(0x33);
        assertThat(b.register("CNT").value()).isEqualTo(0x11220044);
    }

    @Test
    void aWriteLeavesReadToClearBits() {
        RegisterBlock b = builder().register("CNT", 0, 4).field("N", 0, 32, FieldMode.RC).end().build();
        b.register("CNT").set(5);
        write(b, 0, 4, 0);
        assertThat(b.register("CNT").value()).isEqualTo(5);
    }

    @Test
    void aWriteThatChangesReservedBitsKeepsThemAndIsAGuestError() {
        RegisterBlock b = builder().register("CTRL", 0x10, 4).field("EN", 0, 1, FieldMode.RW)
                .field("RES", 4, 4, FieldMode.RSVD, 0x5).end().build();
        write(b, 0x10, 4, 0xf1);
        assertThat(read(b, 0x10, 4)).isEqualTo(0x51);
        MmioAccess a = b.accessLog().get(0);
        assertThat(a.outcome()).isEqualTo(MmioAccess.Outcome.RESERVED_KEPT);
        assertThat(a.note()).isEqualTo("reserved bits 0xa0 kept");
        assertThat(guestErrors).containsExactly("t: CTRL (offset 0x10): reserved bits 0xa0 kept (value 0xf1)");
    }

    @Test
    void aReadModifyWriteOfReservedBitsIsNoGuestError() {
        RegisterBlock b = builder().register("CTRL", 0, 4).field("EN", 0, 1, FieldMode.RW)
                .field("RES", 4, 4, FieldMode.RSVD, 0x5).end().build();
        write(b, 0, 4, read(b, 0, 4) | 1);
        assertThat(read(b, 0, 4)).isEqualTo(0x51);
        assertThat(b.accessLog()).extracting(MmioAccess::outcome).containsOnly(MmioAccess.Outcome.OK);
        assertThat(guestErrors).isEmpty();
    }

    @Test
    void undeclaredBitsAreReservedAndReadAsZero() {
        RegisterBlock b = builder().register("R", 0, 4).field("LO", 0, 8, FieldMode.RW).end().build();
        write(b, 0, 4, 0xff00_00aa);
        assertThat(read(b, 0, 4)).isEqualTo(0xaa);
        assertThat(b.accessLog().get(0).outcome()).isEqualTo(MmioAccess.Outcome.RESERVED_KEPT);
        assertThat(b.accessLog().get(0).note()).isEqualTo("reserved bits 0xff000000 kept");
        // a model that sets an undeclared bit does not make it readable
        b.register("R").set(0x1_00aa);
        assertThat(read(b, 0, 4)).isEqualTo(0xaa);
    }

    @Test
    void anAccessOfAWidthTheBusHasNotIsAWidthError() {
        RegisterBlock b = builder().register("R", 0, 4).field("V", 0, 32, FieldMode.RW).end().build();
        assertThat(errorKind(b.read(0, 3))).isEqualTo(MmioResult.BusError.Kind.WIDTH);
        assertThat(errorKind(b.write(0, 16, 1))).isEqualTo(MmioResult.BusError.Kind.WIDTH);
    }

    @Test
    void anAccessNarrowerThanTheRegisterAcceptsIsAWidthError() {
        RegisterBlock b = builder().register("R", 0, 4).field("V", 0, 32, FieldMode.RW).end().build();
        MmioResult r = b.read(0, 2);
        assertThat(errorKind(r)).isEqualTo(MmioResult.BusError.Kind.WIDTH);
        assertThat(((MmioResult.BusError) r).reason()).isEqualTo("width: 2 (expected: 4) at R");
    }

    @Test
    void anAccessSpanningTwoRegistersIsAWidthError() {
        RegisterBlock b = builder().register("A", 0, 4).field("V", 0, 32, FieldMode.RW).end()
                .register("B", 4, 4).field("V", 0, 32, FieldMode.RW).end().build();
        assertThat(errorKind(b.write(0, 8, -1))).isEqualTo(MmioResult.BusError.Kind.WIDTH);
        assertThat(read(b, 0, 4)).isZero();
        assertThat(read(b, 4, 4)).isZero();
    }

    @Test
    void anUnalignedAccessIsAnAlignmentError() {
        RegisterBlock b = builder().register("R", 0, 8).field("V", 0, 64, FieldMode.RW).accessWidths(4, 8).end().build();
        assertThat(errorKind(b.read(2, 4))).isEqualTo(MmioResult.BusError.Kind.ALIGNMENT);
        assertThat(errorKind(b.write(4, 8, 1))).isEqualTo(MmioResult.BusError.Kind.ALIGNMENT);
    }

    @Test
    void partialLanesOfARegisterThatAllowsThemTouchOnlyTheirBytes() {
        RegisterBlock b = builder().register("ADDR", 0x8, 8).field("A", 0, 64, FieldMode.RW).accessWidths(4, 8).end()
                .build();
        write(b, 0x8, 8, 0x1111_2222_3333_4444L);
        write(b, 0xc, 4, 0xdead_beefL);
        assertThat(b.register("ADDR").value()).isEqualTo(0xdead_beef_3333_4444L);
        assertThat(read(b, 0x8, 4)).isEqualTo(0x3333_4444L);
        assertThat(read(b, 0xc, 4)).isEqualTo(0xdead_beefL);
        assertThat(errorKind(b.read(0x8, 2))).isEqualTo(MmioResult.BusError.Kind.WIDTH);
    }

    @Test
    void holesDecodeNothing() {
        RegisterBlock b = builder().register("A", 0, 4).field("V", 0, 32, FieldMode.RW).end()
                .register("B", 0x10, 4).field("V", 0, 32, FieldMode.RW).end().build();
        MmioResult r = b.read(0x8, 4);
        assertThat(errorKind(r)).isEqualTo(MmioResult.BusError.Kind.DECODE);
        assertThat(((MmioResult.BusError) r).reason()).isEqualTo("offset: 0x8 (expected: a register)");
        assertThat(last(b).register()).isNull();
    }

    @Test
    void accessesOutsideTheBlockDecodeNothing() {
        RegisterBlock b = builder().register("LAST", 0xfc, 4).field("V", 0, 32, FieldMode.RW).end().build();
        assertThat(errorKind(b.read(0x100, 4))).isEqualTo(MmioResult.BusError.Kind.DECODE);
        assertThat(errorKind(b.read(-4, 4))).isEqualTo(MmioResult.BusError.Kind.DECODE);
        assertThat(errorKind(b.write(0xfc, 8, 0))).isEqualTo(MmioResult.BusError.Kind.DECODE);
        assertThat(errorKind(b.read(Long.MAX_VALUE, 8))).isEqualTo(MmioResult.BusError.Kind.DECODE);
    }

    @Test
    void aRefusedWriteChangesNothingAndIsLoggedAndReported() {
        RegisterBlock b = builder().register("R", 0, 4).field("V", 0, 32, FieldMode.RW, 0x77).end().build();
        b.write(0, 2, 0xffff);
        assertThat(b.register("R").value()).isEqualTo(0x77);
        MmioAccess a = last(b);
        assertThat(a.outcome()).isEqualTo(MmioAccess.Outcome.BUS_ERROR);
        assertThat(a.register()).isEqualTo("R");
        assertThat(a.value()).isEqualTo(0xffff);
        assertThat(guestErrors).containsExactly("t: bus error (WIDTH): write of 2 bytes at 0x0: width: 2 (expected: 4) at R");
    }

    @Test
    void preWriteSeesTheDriversValueAndChoosesWhatIsStored() {
        List<Long> seen = new ArrayList<>();
        RegisterBlock b = builder().register("R", 0, 4).field("V", 0, 8, FieldMode.W1C).field("W", 8, 8, FieldMode.RW)
                .preWrite((reg, v) -> {
                    seen.add(v);
                    return v | 0x100;
                }).end().build();
        b.register("R").set(0xff);
        write(b, 0, 4, 0x0f);
        assertThat(seen).containsExactly(0x0fL);
        assertThat(read(b, 0, 4)).isEqualTo(0x1f0);
    }

    @Test
    void postWriteGetsTheDriversValueAfterItIsStored() {
        List<long[]> seen = new ArrayList<>();
        RegisterBlock b = builder().register("R", 0, 8).field("V", 0, 64, FieldMode.RW).accessWidths(4, 8)
                .postWrite((reg, v) -> seen.add(new long[] {v, reg.value()})).end().build();
        write(b, 0, 8, 0x5);
        write(b, 4, 4, 0x3);
        assertThat(seen).containsExactly(new long[] {0x5, 0x5}, new long[] {0x3_0000_0000L, 0x3_0000_0005L});
    }

    @Test
    void postReadChangesWhatTheDriverGetsNotWhatIsStored() {
        RegisterBlock b = builder().register("R", 0, 4).field("V", 0, 32, FieldMode.RW, 1)
                .postRead((reg, v) -> v + 41).end().build();
        assertThat(read(b, 0, 4)).isEqualTo(42);
        assertThat(b.register("R").value()).isEqualTo(1);
        assertThat(last(b).value()).isEqualTo(42);
    }

    @Test
    void writesToABusyRegisterAreIgnoredAsAWholeAndLogged() {
        AtomicBoolean busy = new AtomicBoolean(true);
        AtomicLong posted = new AtomicLong();
        RegisterBlock b = builder().register("SRC", 0x20, 4).field("A", 0, 32, FieldMode.RW, 9)
                .ignoreWritesWhen(busy::get, "channel busy").postWrite((r, v) -> posted.incrementAndGet()).end().build();
        assertThat(b.write(0x20, 4, 0x1234).ok()).isTrue();
        assertThat(b.register("SRC").value()).isEqualTo(9);
        MmioAccess a = last(b);
        assertThat(a.outcome()).isEqualTo(MmioAccess.Outcome.IGNORED);
        assertThat(a.note()).isEqualTo("write ignored: channel busy");
        assertThat(guestErrors).containsExactly("t: SRC (offset 0x20): write ignored: channel busy (value 0x1234)");
        assertThat(posted).hasValue(0);
        busy.set(false);
        write(b, 0x20, 4, 0x1234);
        assertThat(b.register("SRC").value()).isEqualTo(0x1234);
        assertThat(posted).hasValue(1);
    }

    @Test
    void aHookThatThrowsIsAModelBugAnsweredWithASlaveError() {
        RegisterBlock b = builder().register("R", 0, 4).field("V", 0, 32, FieldMode.RW)
                .postWrite((r, v) -> {
                    throw new IllegalStateException("boom");
                }).end().build();
        MmioResult r = b.write(0, 4, 1);
        assertThat(errorKind(r)).isEqualTo(MmioResult.BusError.Kind.SLAVE);
        assertThat(guestErrors.getFirst()).startsWith("t: model bug: postWrite hook of R threw java.lang.IllegalStateException: boom");
        assertThat(read(b, 0, 4)).isEqualTo(1);
    }

    @Test
    void theAccessLogKeepsEveryAccessInOrder() {
        VirtualClock clock = Clock.virtual();
        RegisterBlock b = builder().clock(clock).register("A", 0, 4).field("V", 0, 32, FieldMode.RW).end()
                .register("B", 4, 2).field("V", 0, 16, FieldMode.RO, 3).end().build();
        write(b, 0, 4, 0xab);
        clock.advance(100);
        read(b, 4, 2);
        b.read(8, 4);
        assertThat(b.accessLog()).containsExactly(
                new MmioAccess(0, 0, true, 0, 4, 0xab, "A", MmioAccess.Outcome.OK, null),
                new MmioAccess(1, 100, false, 4, 2, 3, "B", MmioAccess.Outcome.OK, null),
                new MmioAccess(2, 100, false, 8, 4, 0, null, MmioAccess.Outcome.BUS_ERROR,
                        "offset: 0x8 (expected: a register)"));
    }

    @Test
    void theAccessLogKeepsTheLastCapacityEntries() {
        RegisterBlock b = builder().accessLogCapacity(3).register("A", 0, 4).field("V", 0, 32, FieldMode.RW).end().build();
        for (int i = 0; i < 5; i++) {
            write(b, 0, 4, i);
        }
        assertThat(b.accessLog()).extracting(MmioAccess::seq).containsExactly(2L, 3L, 4L);
        assertThat(b.accessLog()).extracting(MmioAccess::value).containsExactly(2L, 3L, 4L);
        b.clearAccessLog();
        assertThat(b.accessLog()).isEmpty();
        write(b, 0, 4, 9);
        assertThat(b.accessLog()).extracting(MmioAccess::seq).containsExactly(5L);
    }

    @Test
    void aCapacityOfZeroKeepsNoLog() {
        RegisterBlock b = builder().accessLogCapacity(0).register("A", 0, 4).field("V", 0, 32, FieldMode.RW).end().build();
        write(b, 0, 4, 1);
        assertThat(b.accessLog()).isEmpty();
    }

    @Test
    void theModelsAccessorsBypassTheModes() {
        RegisterBlock b = builder().register("S", 0, 4).field("DONE", 0, 1, FieldMode.W1C).field("CODE", 4, 4, FieldMode.RO)
                .end().build();
        Register s = b.register("S");
        s.setField("CODE", 0xa);
        s.setBits(1);
        assertThat(s.field("CODE")).isEqualTo(0xa);
        assertThat(read(b, 0, 4)).isEqualTo(0xa1);
        s.clearBits(0xf0);
        assertThat(s.value()).isEqualTo(1);
        s.set(0x1_0000_0001L);
        assertThat(s.value()).isEqualTo(1);
        assertThatThrownBy(() -> s.setField("CODE", 0x10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value: 0x10 (expected: fits 4 bits) for S.CODE");
        assertThatThrownBy(() -> s.field("NOPE")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("field: NOPE (expected: one of [DONE, CODE])");
        assertThatThrownBy(() -> b.register("NOPE")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("register: NOPE (expected: one of [S]) in t");
    }

    @Test
    void registersAreListedByOffset() {
        RegisterBlock b = builder().register("B", 8, 4).end().register("A", 0, 4).end().build();
        assertThat(b.registers()).extracting(Register::name).containsExactly("A", "B");
    }
}

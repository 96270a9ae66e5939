package io.jcma.devices.hw;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One test per declaration rule of {@link RegisterBlock.Builder} and {@link RegisterBlock.RegisterBuilder}. */
class RegisterBlockDeclarationTest {
    private static RegisterBlock.Builder block() {
        return RegisterBlock.builder("t", 0x40);
    }

    @Test
    void aBlockNeedsANameAndASize() {
        assertThatThrownBy(() -> RegisterBlock.builder(" ", 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name:   (expected: a name)");
        assertThatThrownBy(() -> RegisterBlock.builder("t", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("size: 0 (expected: > 0)");
    }

    @Test
    void aRegisterWidthIsOneTwoFourOrEight() {
        assertThatThrownBy(() -> block().register("R", 0, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("width: 3 (expected: 1, 2, 4 or 8) of R");
    }

    @Test
    void aRegisterIsAlignedToItsWidth() {
        assertThatThrownBy(() -> block().register("R", 2, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("offset: 0x2 (expected: aligned to 4 within 0x40) of R");
    }

    @Test
    void aRegisterLiesInsideTheBlock() {
        assertThatThrownBy(() -> block().register("R", 0x40, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("offset: 0x40 (expected: aligned to 4 within 0x40) of R");
        assertThatThrownBy(() -> RegisterBlock.builder("t", 2).register("R", 0, 4))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void registersDoNotOverlap() {
        assertThatThrownBy(() -> block().register("A", 0, 8).end().register("B", 4, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("register: B at 0x4 (expected: apart from A at 0x0)");
    }

    @Test
    void registerNamesAreUnique() {
        assertThatThrownBy(() -> block().register("A", 0, 4).end().register("A", 4, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("register: A (expected: a new name) in t");
    }

    @Test
    void aFieldFitsItsRegister() {
        assertThatThrownBy(() -> block().register("R", 0, 2).field("F", 12, 8, FieldMode.RW))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("bits: [12, 20) (expected: within the 16 bits) of R.F");
        assertThatThrownBy(() -> block().register("R", 0, 2).field("F", 0, 0, FieldMode.RW))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fieldsDoNotOverlap() {
        assertThatThrownBy(() -> block().register("R", 0, 4).field("A", 0, 4, FieldMode.RW).field("B", 3, 2, FieldMode.RO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("field: B (expected: apart from A) in R");
    }

    @Test
    void fieldNamesAreUnique() {
        assertThatThrownBy(() -> block().register("R", 0, 4).field("A", 0, 4, FieldMode.RW).field("A", 4, 4, FieldMode.RW))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("field: A (expected: a new name) in R");
    }

    @Test
    void aResetValueFitsItsField() {
        assertThatThrownBy(() -> block().register("R", 0, 4).field("A", 0, 4, FieldMode.RW, 0x10))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("reset: 0x10 (expected: fits 4 bits) of R.A");
    }

    @Test
    void aFieldHasAMode() {
        assertThatThrownBy(() -> block().register("R", 0, 4).field("A", 0, 4, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("mode: null for R.A");
    }

    @Test
    void accessWidthsAreBusWidthsUpToTheRegisters() {
        assertThatThrownBy(() -> block().register("R", 0, 4).accessWidths(8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("widths: [8] (expected: 1, 2, 4 or 8 up to 4) of R");
        assertThatThrownBy(() -> block().register("R", 0, 4).accessWidths(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> block().register("R", 0, 4).accessWidths()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("widths: none (expected: some of 1, 2, 4, 8 up to 4) of R");
    }

    @Test
    void theLogCapacityIsNotNegative() {
        assertThatThrownBy(() -> block().accessLogCapacity(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("entries: -1 (expected: >= 0)");
    }
}

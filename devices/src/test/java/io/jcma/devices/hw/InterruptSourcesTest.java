package io.jcma.devices.hw;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** level = (status &amp; enable) != 0, after every status, mask and model change. */
class InterruptSourcesTest {
    static final long DONE = 1;
    static final long ERR = 2;

    /** A wire that remembers every level it was driven to. */
    static final class Wire implements IrqLine {
        final List<Boolean> levels = new ArrayList<>();
        boolean level;

        @Override
        public synchronized void set(boolean l) {
            if (l != level) {
                levels.add(l);
            }
            level = l;
        }

        @Override
        public void pulse() {
            set(true);
            set(false);
        }

        @Override
        public synchronized boolean level() {
            return level;
        }
    }

    private final Wire wire = new Wire();
    private final RegisterBlock regs = RegisterBlock.builder("t", 0x10)
            .register("STATUS", 0, 4).field("DONE", 0, 1, FieldMode.W1C).field("ERR", 1, 1, FieldMode.W1C).end()
            .register("ENABLE", 4, 4).field("DONE", 0, 1, FieldMode.RW).field("ERR", 1, 1, FieldMode.RW).end()
            .build();
    private final InterruptSources irqs = InterruptSources.attach(regs.register("STATUS"), regs.register("ENABLE"), wire);

    @Test
    void aMaskedEventDoesNotRaiseTheLine() {
        irqs.raise(DONE);
        assertThat(wire.level()).isFalse();
        assertThat(irqs.pending()).isZero();
    }

    @Test
    void enablingAPendingSourceRaisesTheLineAndMaskingLowersIt() {
        irqs.raise(DONE);
        regs.write(4, 4, DONE);
        assertThat(wire.level()).isTrue();
        regs.write(4, 4, 0);
        assertThat(wire.level()).isFalse();
        assertThat(wire.levels).containsExactly(true, false);
    }

    @Test
    void ackingOneSourceLeavesTheLineUpWhileAnotherIsPending() {
        regs.write(4, 4, DONE | ERR);
        irqs.raise(DONE);
        irqs.raise(ERR);
        regs.write(0, 4, DONE);
        assertThat(wire.level()).isTrue();
        assertThat(irqs.pending()).isEqualTo(ERR);
        regs.write(0, 4, ERR);
        assertThat(wire.level()).isFalse();
        assertThat(wire.levels).containsExactly(true, false);
    }

    @Test
    void theModelsOwnClearRecomputesTheLine() {
        regs.write(4, 4, DONE);
        irqs.raise(DONE);
        irqs.clear(DONE);
        assertThat(wire.level()).isFalse();
    }

    @Test
    void aModelWriteToTheRegistersRecomputesTheLine() {
        regs.register("ENABLE").set(ERR);
        regs.register("STATUS").setBits(ERR);
        assertThat(wire.level()).isTrue();
    }

    @Test
    void resetLowersTheLine() {
        regs.write(4, 4, DONE);
        irqs.raise(DONE);
        regs.reset();
        assertThat(wire.level()).isFalse();
    }

    @Test
    void theRegistersMustBeOfOneBlock() {
        RegisterBlock other = RegisterBlock.builder("o", 4).register("EN", 0, 4).end().build();
        assertThatThrownBy(() -> InterruptSources.attach(regs.register("STATUS"), other.register("EN"), wire))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("status: STATUS@0x0, enable: EN@0x0 (expected: two registers of one block)");
        assertThatThrownBy(() -> InterruptSources.attach(regs.register("STATUS"), regs.register("ENABLE"), null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

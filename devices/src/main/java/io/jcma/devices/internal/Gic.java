package io.jcma.devices.internal;

/**
 * The interrupt controller of a board, GIC-like (drivers/irqchip/irq-gic-v3.c and the
 * distributor it drives): one input per hwirq (PPIs 16..31, SPIs 32..1019), each with a trigger
 * type, an enable bit (irq_mask/irq_unmask write ICENABLER/ISENABLER), a pending latch for edges
 * and an active state from acknowledge (reading ICC_IAR1) to EOI.
 *
 * <h2>Wires and polarity</h2>
 * A device model drives its output logically ({@link io.jcma.devices.hw.IrqLine#raise}: it
 * asserts its interrupt). The device tree's flags say how that shows on the wire: active-high
 * (level high, edge rising) or active-low (level low, edge falling). The chip watches the wire
 * as its configured type says, so a driver that requests the opposite polarity
 * ({@code IRQF_TRIGGER_LOW} on an active-high wire) sees what hardware would: an interrupt
 * while the device is idle. Several devices on one input are a wired OR of their assertions.
 * Linux's gic_set_type() refuses level-low and edge-falling on SPIs; this chip accepts all four
 * types so that device trees with active-low lines boot.
 *
 * <h2>Delivery</h2>
 * An input is deliverable when it is enabled, not active, and pending (edge latched, or level
 * asserted now). The lowest deliverable hwirq goes first (equal priorities). After EOI a level
 * input still asserted is deliverable again; an edge that came while active is too.
 *
 * <p>Not thread-safe by itself: every method is called with the board's IRQ lock held.
 */
final class Gic {
    /** irq_chip.name, as /proc/interrupts shows it. */
    static final String NAME = "GICv3";
    /** GIC_SPI: SPIs start at hwirq 32. */
    static final int SPI_BASE = 32;
    /** GIC_PPI: PPIs start at hwirq 16. */
    static final int PPI_BASE = 16;
    /** The first special INTID (1020..1023): no SPI beyond 1019. */
    static final int NR_HWIRQS = 1020;

    /** IRQ_TYPE_* of include/dt-bindings/interrupt-controller/irq.h (= IRQF_TRIGGER_*). */
    static final int TYPE_NONE = 0;
    static final int TYPE_EDGE_RISING = 1;
    static final int TYPE_EDGE_FALLING = 2;
    static final int TYPE_LEVEL_HIGH = 4;
    static final int TYPE_LEVEL_LOW = 8;
    static final int TYPE_SENSE_MASK = 0xf;

    private final int[] asserted = new int[NR_HWIRQS];
    private final boolean[] activeLow = new boolean[NR_HWIRQS];
    private final int[] type = new int[NR_HWIRQS];
    private final boolean[] enabled = new boolean[NR_HWIRQS];
    private final boolean[] pending = new boolean[NR_HWIRQS];
    private final boolean[] active = new boolean[NR_HWIRQS];

    Gic() {
        // GICD_ICFGR resets every SPI and PPI to level-sensitive.
        java.util.Arrays.fill(type, TYPE_LEVEL_HIGH);
    }

    static boolean isLevel(int t) {
        return (t & (TYPE_LEVEL_HIGH | TYPE_LEVEL_LOW)) != 0;
    }

    static boolean validType(int t) {
        return t == TYPE_EDGE_RISING || t == TYPE_EDGE_FALLING || t == TYPE_LEVEL_HIGH || t == TYPE_LEVEL_LOW;
    }

    /** The wire's electrical polarity, from the device tree flags of the first mapping. */
    void wire(int hw, int dtType) {
        activeLow[hw] = dtType == TYPE_LEVEL_LOW || dtType == TYPE_EDGE_FALLING;
    }

    /** The wire's electrical level now. */
    private boolean high(int hw) {
        return (asserted[hw] > 0) != activeLow[hw];
    }

    /** Whether the chip sees a level input as asserted. */
    private boolean levelAsserted(int hw) {
        return high(hw) == (type[hw] == TYPE_LEVEL_HIGH);
    }

    /** One source on input {@code hw} asserts ({@code on}) or deasserts its output. */
    void drive(int hw, boolean on) {
        boolean before = high(hw);
        asserted[hw] += on ? 1 : -1;
        boolean after = high(hw);
        if (before != after && !isLevel(type[hw])) {
            boolean rising = after;
            if (rising == (type[hw] == TYPE_EDGE_RISING)) {
                pending[hw] = true;
            }
        }
    }

    /** irq_set_type(): the trigger the chip watches for. */
    void setType(int hw, int t) {
        type[hw] = t;
        pending[hw] = false;
    }

    int type(int hw) {
        return type[hw];
    }

    void mask(int hw) {
        enabled[hw] = false;
    }

    void unmask(int hw) {
        enabled[hw] = true;
    }

    boolean enabled(int hw) {
        return enabled[hw];
    }

    /** Whether {@code hw} is pending: edge latched or level asserted (what GICD_ISPENDR reads). */
    boolean pending(int hw) {
        return isLevel(type[hw]) ? levelAsserted(hw) : pending[hw];
    }

    /** The lowest hwirq that would be acknowledged now, or -1. */
    int deliverable() {
        for (int hw = PPI_BASE; hw < NR_HWIRQS; hw++) {
            if (enabled[hw] && !active[hw] && pending(hw)) {
                return hw;
            }
        }
        return -1;
    }

    /** Reading IAR: pending becomes active (an edge's latch is consumed). */
    void ack(int hw) {
        active[hw] = true;
        pending[hw] = false;
    }

    /** irq_eoi(): the interrupt is no longer active. */
    void eoi(int hw) {
        active[hw] = false;
    }
}

package io.jcma.devices.hw;

import io.jcma.devices.hw.internal.RealClock;
import io.jcma.devices.hw.internal.VirtualClockImpl;

/** The factories behind {@link Clock#real()} and {@link Clock#virtual()}. */
final class Clocks {
    private Clocks() {
    }

    static Clock real() {
        return new RealClock();
    }

    static VirtualClock virtual() {
        return new VirtualClockImpl();
    }
}

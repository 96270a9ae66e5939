package io.jcma.devices;

import io.jcma.devices.drivers.PlatformDevice;
import io.jcma.devices.drivers.testcounter.TestCounterDriver;
import io.jcma.devices.testing.Await;
import io.jcma.devices.testing.TestDt;
import org.junit.jupiter.api.Test;

import static io.jcma.devices.hw.testcounter.TestCounterLayout.DOORBELL;
import static io.jcma.devices.testing.TestDt.counter;
import static org.assertj.core.api.Assertions.assertThat;

/** Interrupts from a model through the board's controller to a driver, as the shell shows them. */
class BoardIrqTest {
    private static Board boot(TestDt dt, TestCounterDriver d) {
        return Board.boot(dt.platform(), BoardOptions.builder().builtinDrivers(false).driver(d).build());
    }

    private static TestCounterDriver.Counter state(Board b, String name) {
        return b.device(name).orElseThrow().drvdata(TestCounterDriver.Counter.class);
    }

    @Test
    void aThreadedOneshotDriverCountsEveryEvent() {
        TestDt dt = TestDt.create().soc(counter(0x1030_0000L, 40));
        try (Board b = boot(dt, new TestCounterDriver("tc", true, false))) {
            TestCounterDriver.Counter c = state(b, "10300000.test-counter");
            c.regs.writel(7, DOORBELL);
            Await.until("seven events", () -> c.events.get() == 7);
            assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().equals("irq/" + c.irq + "-tc"));
            String line = String.format("%3d: %10d     GICv3  72 Level     tc%n", c.irq, c.handled.get());
            assertThat(b.machine().fs().read("/proc/interrupts")).contains(line);
            assertThat(b.machine().fs().read("/proc/irq/" + c.irq + "/spurious")).startsWith("count 0\nunhandled 0\n");
            assertThat(b.machine().fs().isDirectory("/proc/irq/" + c.irq + "/tc")).isTrue();
        }
    }

    @Test
    void twoDevicesShareOneLine() {
        TestDt dt = TestDt.create().soc(counter(0x1030_0000L, 45), counter(0x1030_1000L, 45));
        try (Board b = boot(dt, new TestCounterDriver("tc", false, true))) {
            TestCounterDriver.Counter a = state(b, "10300000.test-counter");
            TestCounterDriver.Counter c = state(b, "10301000.test-counter");
            assertThat(a.irq).isEqualTo(c.irq);
            a.regs.writel(3, DOORBELL);
            c.regs.writel(4, DOORBELL);
            Await.until("all events", () -> a.events.get() == 3 && c.events.get() == 4);
            assertThat(b.machine().fs().read("/proc/interrupts")).contains("GICv3  77 Level     tc, tc\n");
        }
    }

    @Test
    void anEdgeTriggeredNodeShowsAsEdge() {
        TestDt dt = TestDt.create().soc(counter(0x1030_0000L, 46, 1));
        try (Board b = boot(dt, new TestCounterDriver("tc", false, false))) {
            TestCounterDriver.Counter c = state(b, "10300000.test-counter");
            c.regs.writel(1, DOORBELL);
            Await.until("the event", () -> c.events.get() == 1);
            assertThat(b.machine().fs().read("/proc/interrupts")).contains("GICv3  78 Edge      tc\n");
        }
    }

    @Test
    void unbindFreesTheLineAndTheThread() {
        TestDt dt = TestDt.create().soc(counter(0x1030_0000L, 40));
        try (Board b = boot(dt, new TestCounterDriver("tc", true, false))) {
            PlatformDevice d = b.device("10300000.test-counter").orElseThrow();
            int irq = state(b, d.name()).irq;
            b.drivers().unbind(d);
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("irq/" + irq + "-tc"));
            assertThat(b.machine().fs().isDirectory("/proc/irq/" + irq + "/tc")).isFalse();
        }
    }
}

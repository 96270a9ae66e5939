package io.jcma.devices;

import io.jcma.devices.drivers.testcounter.TestCounterDriver;
import io.jcma.devices.testing.Await;
import io.jcma.devices.testing.TestDt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import static io.jcma.devices.hw.testcounter.TestCounterLayout.DOORBELL;
import static io.jcma.devices.hw.testcounter.TestCounterLayout.EVENTS;
import static io.jcma.devices.testing.TestDt.counter;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Four devices, each on its own thread, raise interrupts while driver threads ring their
 * doorbells and the handlers ack them: afterwards every event was seen exactly once, every
 * interrupt was claimed, and /proc/interrupts agrees with the handlers' own counts. Run with
 * hard handlers and with ONESHOT thread functions.
 */
class BoardConcurrencyTest {
    static final int DEVICES = 4;
    static final int RINGERS = 3;
    static final int RINGS = 300;

    @ParameterizedTest(name = "threaded={0}")
    @ValueSource(booleans = {false, true})
    void countersStayConsistentUnderContention(boolean threaded) throws InterruptedException {
        TestDt dt = TestDt.create();
        for (int i = 0; i < DEVICES; i++) {
            dt.soc(counter(0x1030_0000L + i * 0x1000L, 40 + i));
        }
        BoardOptions o = BoardOptions.builder().builtinDrivers(false).driver(new TestCounterDriver("tc", threaded, false))
                .build();
        try (Board b = Board.boot(dt.platform(), o)) {
            List<TestCounterDriver.Counter> counters = b.drivers().devices().stream().filter(d -> d.driverName().isPresent())
                    .map(d -> d.drvdata(TestCounterDriver.Counter.class)).toList();
            assertThat(counters).hasSize(DEVICES);
            AtomicLong[] asked = new AtomicLong[DEVICES];
            List<Thread> ringers = new ArrayList<>();
            for (int i = 0; i < DEVICES; i++) {
                asked[i] = new AtomicLong();
                for (int r = 0; r < RINGERS; r++) {
                    TestCounterDriver.Counter c = counters.get(i);
                    AtomicLong a = asked[i];
                    Thread t = new Thread(() -> {
                        ThreadLocalRandom rnd = ThreadLocalRandom.current();
                        for (int k = 0; k < RINGS; k++) {
                            int n = 1 + rnd.nextInt(4);
                            a.addAndGet(n);
                            c.regs.writel(n, DOORBELL);
                            if (rnd.nextInt(8) == 0) {
                                Thread.yield();
                            }
                        }
                    });
                    ringers.add(t);
                    t.start();
                }
            }
            for (Thread t : ringers) {
                Await.join(t);
            }
            for (int i = 0; i < DEVICES; i++) {
                TestCounterDriver.Counter c = counters.get(i);
                long want = asked[i].get();
                Await.until("device " + i + " saw " + want + " events", () -> c.events.get() == want);
            }
            String proc = b.machine().fs().read("/proc/interrupts");
            for (int i = 0; i < DEVICES; i++) {
                TestCounterDriver.Counter c = counters.get(i);
                assertThat(Integer.toUnsignedLong(c.regs.readl(EVENTS))).isEqualTo(asked[i].get());
                assertThat(c.none.get()).as("unclaimed interrupts of device %d", i).isZero();
                assertThat(proc).contains(String.format("%3d: %10d ", c.irq, c.handled.get()));
                if (!threaded) {
                    assertThat(b.machine().fs().read("/proc/irq/" + c.irq + "/spurious")).startsWith("count 0\nunhandled 0\n");
                }
            }
            // A woken thread may finish before its hard interrupt is noted; note_interrupt() then
            // judges the next one unhandled, on Linux too. It must never add up to a disabled line.
            assertThat(b.machine().log().lines()).noneMatch(l -> l.startsWith("Disabling IRQ"));
            assertThat(b.faults()).isEmpty();
            assertThat(b.guestErrors()).isEmpty();
        }
    }
}

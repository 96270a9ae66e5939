package io.jcma.devices;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.devices.drivers.IrqReturn;
import io.jcma.devices.drivers.PlatformDevice;
import io.jcma.devices.drivers.PlatformDriver;
import io.jcma.devices.drivers.testcounter.TestCounterDriver;
import io.jcma.devices.hw.DeviceModel;
import io.jcma.devices.hw.DeviceModelProvider;
import io.jcma.devices.hw.ModelContext;
import io.jcma.devices.hw.RegisterBlock;
import io.jcma.devices.hw.testcounter.TestCounterLayout;
import io.jcma.devices.testing.Providers;
import io.jcma.devices.testing.TestDt;
import io.jcma.dma.DmaBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static io.jcma.devices.testing.TestDt.counter;
import static io.jcma.devices.testing.TestDt.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bind by compatible, probe and its failure, devres, unbind and its leak report. */
class DriverCoreTest {
    static final String NAME = "10300000.test-counter";

    /** A driver whose probe and remove a test scripts. */
    static class Scripted implements PlatformDriver {
        final String name;
        final List<String> table;
        final Consumer<PlatformDevice> probe;
        final List<String> events = new ArrayList<>();

        Scripted(String name, List<String> table, Consumer<PlatformDevice> probe) {
            this.name = name;
            this.table = table;
            this.probe = probe;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<String> ofMatchTable() {
            return table;
        }

        @Override
        public void probe(PlatformDevice pdev) {
            events.add("probe " + pdev.name());
            probe.accept(pdev);
        }

        @Override
        public void remove(PlatformDevice pdev) {
            events.add("remove " + pdev.name());
        }
    }

    private static Board boot(TestDt dt, PlatformDriver... drivers) {
        BoardOptions.Builder o = BoardOptions.builder().builtinDrivers(false);
        for (PlatformDriver d : drivers) {
            o.driver(d);
        }
        return Board.boot(dt.platform(), o.build());
    }

    private static TestDt one() {
        return TestDt.create().soc(counter(0x1030_0000L, 40));
    }

    @Test
    void builtInDriversBindAtBootUnlessTurnedOff() {
        try (Board b = Board.boot(one().platform())) {
            assertThat(b.device(NAME).orElseThrow().driverName()).contains("test-counter");
        }
        try (Board b = boot(one())) {
            assertThat(b.device(NAME).orElseThrow().driverName()).isEmpty();
            assertThat(b.drivers().drivers()).isEmpty();
        }
    }

    @Test
    void aDriverBindsByAnyCompatibleOfTheNodeMostSpecificFirst() {
        TestDt dt = TestDt.create().soc(node("dev", 0x1040_0000L, 0x1000, null, "vendor,dev-v2", "vendor,dev"),
                node("other", 0x1041_0000L, 0x1000, null, "vendor,other"));
        Scripted generic = new Scripted("generic", List.of("vendor,dev"), p -> { });
        try (Board b = boot(dt, generic)) {
            assertThat(generic.events).containsExactly("probe 10400000.dev");
            assertThat(b.drivers().compatible("vendor,dev-v2")).extracting(PlatformDevice::name)
                    .containsExactly("10400000.dev");
        }
    }

    @Test
    void theFirstRegisteredMatchingDriverWins() {
        Scripted a = new Scripted("a", List.of(TestCounterLayout.COMPATIBLE), p -> { });
        Scripted b2 = new Scripted("b", List.of(TestCounterLayout.COMPATIBLE), p -> { });
        try (Board b = boot(one(), a, b2)) {
            assertThat(b.device(NAME).orElseThrow().driverName()).contains("a");
            assertThat(b2.events).isEmpty();
        }
    }

    @Test
    void aSecondDriverOfTheSameNameIsRefused() {
        try (Board b = boot(one())) {
            b.drivers().register(new Scripted("x", List.of(), p -> { }));
            assertThatThrownBy(() -> b.drivers().register(new Scripted("x", List.of(), p -> { })))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(b.machine().errors()).contains("Error: Driver 'x' is already registered, aborting...");
        }
    }

    @Test
    void aFailedProbeReleasesWhatItManagedAndIsLogged() {
        List<String> released = new ArrayList<>();
        Scripted failing = new Scripted("failing", List.of(TestCounterLayout.COMPATIBLE), p -> {
            p.ioremap(0);
            p.requestThreadedIrq(p.getIrq(0), (i, d) -> IrqReturn.HANDLED, null, 0, "failing", null);
            p.devmAddAction(() -> released.add("action"));
            p.dma().dmamAllocCoherent(p.dev(), 8192, io.jcma.cma.mm.Gfp.KERNEL).orElseThrow();
            throw new ErrnoException(Errno.ENOMEM, "out of descriptors");
        });
        try (Board b = boot(one(), failing)) {
            PlatformDevice d = b.device(NAME).orElseThrow();
            assertThat(d.driverName()).isEmpty();
            assertThat(d.dev().bound()).isFalse();
            assertThat(released).containsExactly("action");
            assertThat(b.machine().errors()).contains(
                    "failing 10300000.test-counter: probe with driver failing failed with error -12");
            assertThat(b.machine().fs().read("/proc/interrupts")).doesNotContain("failing");
            assertThat(b.dma().debug().entries(d.dev())).isZero();
            // the region was released: another driver can map it
            Scripted next = new Scripted("next", List.of(TestCounterLayout.COMPATIBLE), p -> p.ioremap(0));
            b.drivers().register(next);
            assertThat(d.driverName()).contains("next");
        }
    }

    @Test
    void aProbeRejectingTheMatchWithEnodevIsNoError() {
        Scripted rejecting = new Scripted("rejecting", List.of(TestCounterLayout.COMPATIBLE), p -> {
            throw new ErrnoException(Errno.ENODEV, "not mine");
        });
        try (Board b = boot(one(), rejecting)) {
            assertThat(b.device(NAME).orElseThrow().driverName()).isEmpty();
            assertThat(b.machine().errors()).noneMatch(l -> l.contains("probe with driver"));
        }
    }

    @Test
    void aProbeThatThrowsSomethingElseIsWarnedAndFailsWithEio() {
        Scripted buggy = new Scripted("buggy", List.of(TestCounterLayout.COMPATIBLE), p -> {
            throw new NullPointerException("oops");
        });
        try (Board b = boot(one(), buggy)) {
            assertThat(b.machine().errors()).contains(
                    "buggy 10300000.test-counter: probe with driver buggy failed with error -5");
            assertThat(b.machine().log().lines()).contains("java.lang.NullPointerException: oops");
        }
    }

    @Test
    void unbindRunsRemoveThenManagedResourcesNewestFirst() {
        List<String> order = new ArrayList<>();
        Scripted d = new Scripted("ordered", List.of(TestCounterLayout.COMPATIBLE), p -> {
            p.devmAddAction(() -> order.add("first"));
            p.requestThreadedIrq(p.getIrq(0), (i, x) -> IrqReturn.HANDLED, null, 0, "ordered", null);
            p.devmAddAction(() -> order.add("after irq: " + p.core().device(NAME).orElseThrow().driverName().orElse("-")));
            p.devmAddAction(() -> order.add("last"));
        }) {
            @Override
            public void remove(PlatformDevice pdev) {
                order.add("remove");
            }
        };
        try (Board b = boot(one(), d)) {
            PlatformDevice pd = b.device(NAME).orElseThrow();
            assertThat(b.machine().fs().read("/proc/interrupts")).contains("ordered");
            b.drivers().unbind(pd);
            assertThat(order).containsExactly("remove", "last", "after irq: ordered", "first");
            assertThat(b.machine().fs().read("/proc/interrupts")).doesNotContain("ordered");
            assertThat(pd.driverName()).isEmpty();
            assertThatThrownBy(() -> pd.drvdata(Object.class)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void unbindReportsWhatTheDriverLeftMappedThroughDmaApiDebug() {
        List<DmaBuffer> leaked = new ArrayList<>();
        Scripted leaky = new Scripted("leaky", List.of(TestCounterLayout.COMPATIBLE),
                p -> leaked.add(p.dma().allocCoherent(p.dev(), 4096).orElseThrow()));
        try (Board b = boot(one(), leaky)) {
            b.drivers().unbind(b.device(NAME).orElseThrow());
            assertThat(b.dma().debug().lines()).anyMatch(l -> l.contains(
                    "device driver has pending DMA allocations while released from device [count=1]"));
            assertThat(b.dma().debug().errors().getFirst().driver()).isEqualTo("leaky");
        }
    }

    @Test
    void bindAndUnbindHaveTheKernelsErrnos() {
        Scripted d = new Scripted("d", List.of(TestCounterLayout.COMPATIBLE), p -> { });
        Scripted other = new Scripted("other", List.of("x,none"), p -> { });
        try (Board b = boot(one(), d, other)) {
            PlatformDevice pd = b.device(NAME).orElseThrow();
            assertThat(errno(() -> b.drivers().bind(pd, "d"))).isEqualTo(Errno.EBUSY);
            assertThat(errno(() -> b.drivers().bind(pd, "other"))).isEqualTo(Errno.ENODEV);
            assertThat(errno(() -> b.drivers().bind(pd, "nosuch"))).isEqualTo(Errno.ENODEV);
            b.drivers().unbind(pd);
            assertThat(errno(() -> b.drivers().unbind(pd))).isEqualTo(Errno.ENODEV);
            b.drivers().bind(pd, "d");
            assertThat(pd.driverName()).contains("d");
            assertThat(d.events).containsExactly("probe " + NAME, "remove " + NAME, "probe " + NAME);
        }
    }

    @Test
    void bindReportsTheProbesOwnErrno() {
        boolean[] fail = {false};
        Scripted d = new Scripted("d", List.of(TestCounterLayout.COMPATIBLE), p -> {
            if (fail[0]) {
                throw new ErrnoException(Errno.EIO, "device dead");
            }
        });
        try (Board b = boot(one(), d)) {
            PlatformDevice pd = b.device(NAME).orElseThrow();
            b.drivers().unbind(pd);
            fail[0] = true;
            assertThat(errno(() -> b.drivers().bind(pd, "d"))).isEqualTo(Errno.EIO);
        }
    }

    @Test
    void unregisterUnbindsEveryDeviceOfTheDriver() {
        Scripted d = new Scripted("d", List.of(TestCounterLayout.COMPATIBLE), p -> { });
        TestDt two = TestDt.create().soc(counter(0x1030_0000L, 40), counter(0x1030_1000L, 41));
        try (Board b = boot(two, d)) {
            b.drivers().unregister(d);
            assertThat(d.events).containsExactly("probe 10300000.test-counter", "probe 10301000.test-counter",
                    "remove 10300000.test-counter", "remove 10301000.test-counter");
            assertThat(b.drivers().drivers()).isEmpty();
        }
    }

    @Test
    void closeUnbindsEveryDriverOnce() {
        Scripted d = new Scripted("d", List.of(TestCounterLayout.COMPATIBLE), p -> { });
        Board b = boot(one(), d);
        b.close();
        b.close();
        assertThat(d.events).containsExactly("probe " + NAME, "remove " + NAME);
    }

    @Test
    void ioremapAndGetIrqRefuseWhatTheNodeHasNot() {
        Scripted d = new Scripted("d", List.of(TestCounterLayout.COMPATIBLE), p -> {
            p.ioremap(0);
            assertThat(errno(() -> p.ioremap(0))).isEqualTo(Errno.EBUSY);
            assertThat(errno(() -> p.ioremap(1))).isEqualTo(Errno.EINVAL);
            assertThat(errno(() -> p.getIrq(1))).isEqualTo(Errno.ENXIO);
            assertThatThrownBy(() -> p.drvdata(String.class)).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("drvdata: none set");
            p.setDrvdata(42);
            assertThatThrownBy(() -> p.drvdata(String.class)).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("drvdata: a java.lang.Integer");
        });
        try (Board b = boot(one(), d)) {
            assertThat(b.device(NAME).orElseThrow().driverName()).contains("d");
            assertThat(b.machine().errors()).contains(
                    "d 10300000.test-counter: can't request region for resource [mem 0x10300000-0x10300fff]",
                    "d 10300000.test-counter: invalid resource (null)",
                    "d 10300000.test-counter: error -ENXIO: IRQ index 1 not found");
        }
    }

    @Test
    void aSwappedModelNeedsNoDriverChange() {
        List<String> made = new ArrayList<>();
        DeviceModelProvider strict = Providers.of(TestCounterLayout.COMPATIBLE, () -> {
            made.add(TestCounterLayout.COMPATIBLE);
            return new io.jcma.devices.hw.testcounter.TestCounterModel();
        });
        BoardOptions o = BoardOptions.builder().model(strict).build();
        try (Board b = Board.boot(one().platform(), o)) {
            assertThat(made).containsExactly(TestCounterLayout.COMPATIBLE);
            assertThat(b.device(NAME).orElseThrow().driverName()).contains("test-counter");
        }
    }

    @Test
    void aBrokenModelMakesTheUnchangedDriverFailItsProbeNotTheBoard() {
        DeviceModelProvider broken = Providers.of(TestCounterLayout.COMPATIBLE, () -> new DeviceModel() {
                    RegisterBlock regs;

                    @Override
                    public void realize(ModelContext ctx) {
                        regs = RegisterBlock.builder(ctx.name(), TestCounterLayout.SIZE).register("ID", 0, 4).end()
                                .build();
                    }

                    @Override
                    public List<RegisterBlock> mmio() {
                        return List.of(regs);
                    }

                    @Override
                    public void reset() {
                        regs.reset();
                    }

                    @Override
                    public void unrealize() {
                    }
                });
        try (Board b = Board.boot(one().platform(), BoardOptions.builder().model(broken).build())) {
            assertThat(b.device(NAME).orElseThrow().driverName()).isEmpty();
            assertThat(b.machine().errors()).noneMatch(l -> l.contains("probe with driver"));
        }
    }

    @Test
    void theBuiltInTestDriverCountsEventsThroughItsInterrupt() {
        try (Board b = Board.boot(one().platform())) {
            TestCounterDriver.Counter c = b.device(NAME).orElseThrow().drvdata(TestCounterDriver.Counter.class);
            c.regs.writel(5, TestCounterLayout.DOORBELL);
            io.jcma.devices.testing.Await.until("five events", () -> c.events.get() == 5);
            assertThat(c.none.get()).isZero();
        }
    }

    static Errno errno(Runnable r) {
        try {
            r.run();
        } catch (ErrnoException e) {
            return e.errno();
        }
        throw new AssertionError("no ErrnoException");
    }
}

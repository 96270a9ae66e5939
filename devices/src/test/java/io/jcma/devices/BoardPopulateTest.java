package io.jcma.devices;

import io.jcma.cma.boot.DefaultPlatform;
import io.jcma.devices.drivers.PlatformDevice;
import io.jcma.devices.hw.DeviceModel;
import io.jcma.devices.hw.DeviceModelProvider;
import io.jcma.devices.hw.ModelContext;
import io.jcma.devices.hw.RegisterBlock;
import io.jcma.devices.hw.TransferTiming;
import io.jcma.devices.hw.testcounter.TestCounterLayout;
import io.jcma.devices.hw.testcounter.TestCounterModel;
import io.jcma.devices.testing.Providers;
import io.jcma.devices.testing.TestDt;
import io.jcma.dma.Device;
import io.jcma.dma.Dma;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.jcma.devices.testing.TestDt.counter;
import static io.jcma.devices.testing.TestDt.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** of_platform_populate(): which nodes become devices, their names, and of_dma_configure(). */
class BoardPopulateTest {
    private static BoardOptions quiet() {
        return BoardOptions.builder().builtinDrivers(false).build();
    }

    @Test
    void theBuiltInBoardHasItsDevicesNamedAsLinuxNamesThem() {
        try (Board b = Board.boot(DefaultPlatform.builder().build(), quiet())) {
            assertThat(b.drivers().devices()).extracting(PlatformDevice::name).containsExactly(
                    "soc", "10000000.gpu", "10100000.video-codec", "dma-bus", "10200000.dma-controller");
        }
    }

    @Test
    void theInterruptControllerIsNotAPlatformDevice() {
        try (Board b = Board.boot(DefaultPlatform.builder().build(), quiet())) {
            assertThat(b.device("8000000.interrupt-controller")).isEmpty();
        }
    }

    @Test
    void aDeviceBehindDmaRangesGetsItsBusLimitAndMasks() {
        try (Board b = Board.boot(DefaultPlatform.builder().build(), quiet())) {
            Device dma = b.device("10200000.dma-controller").orElseThrow().dev();
            assertThat(dma.dmaMask()).isEqualTo(Dma.bitMask(32));
            assertThat(dma.coherentDmaMask()).isEqualTo(Dma.bitMask(32));
            assertThat(dma.busDmaLimit()).isEqualTo(0xffff_ffffL);
            Device gpu = b.device("10000000.gpu").orElseThrow().dev();
            assertThat(gpu.busDmaLimit()).isZero();
            assertThat(gpu.cmaArea()).hasValueSatisfying(c -> assertThat(c.name()).isEqualTo("gpu-memory"));
        }
    }

    @Test
    void aNarrowDmaRangeNarrowsTheMasksAndGivesTheBusOffset() {
        TestDt dt = TestDt.create().dmaBus(0, 0x4000_0000L, 1L << 30, counter(0x1030_0000L, 40));
        try (Board b = Board.boot(dt.platform(), quiet())) {
            Device d = b.device("10300000.test-counter").orElseThrow().dev();
            assertThat(d.dmaMask()).isEqualTo(Dma.bitMask(30));
            assertThat(d.coherentDmaMask()).isEqualTo(Dma.bitMask(30));
            assertThat(d.busOffset()).isEqualTo(0x4000_0000L);
            assertThat(d.busDmaLimit()).isEqualTo((1L << 30) - 1);
        }
    }

    @Test
    void nodesWithoutRegAreNamedByTheirAncestors() {
        TestDt dt = TestDt.create().top(node("leds", -1, 0, null, "gpio-leds"))
                .soc(node("clocks", -1, 0, null, "fixed-clock"), counter(0x1030_0000L, 40));
        try (Board b = Board.boot(dt.platform(), quiet())) {
            assertThat(b.drivers().devices()).extracting(PlatformDevice::name)
                    .containsExactly("leds", "soc", "soc:clocks", "10300000.test-counter");
        }
    }

    @Test
    void aDuplicateNameMakesNoSecondDevice() {
        TestDt dt = TestDt.create().soc(counter(0x1030_0000L, 40)).dmaBus(0, 0, 1L << 32, counter(0x1030_0000L, 41));
        try (Board b = Board.boot(dt.platform(), quiet())) {
            assertThat(b.drivers().devices()).extracting(PlatformDevice::name)
                    .containsExactly("soc", "10300000.test-counter", "dma-bus");
            assertThat(b.machine().errors()).contains(
                    "sysfs: cannot create duplicate filename '/bus/platform/devices/10300000.test-counter'");
        }
    }

    @Test
    void childrenOfANonBusDeviceAreItsDriversBusiness() {
        TestDt dt = TestDt.create().top(node("mfd", 0x1040_0000L, 0x1000, null, "vendor,pmic"));
        try (Board b = Board.boot(dt.platform(), quiet())) {
            assertThat(b.drivers().devices()).extracting(PlatformDevice::name).containsExactly("10400000.mfd");
        }
    }

    @Test
    void devicesOfIommuCompatiblesSitBehindADomainOfTheirOwn() {
        TestDt dt = TestDt.create().soc(counter(0x1030_0000L, 40), counter(0x1030_1000L, 41));
        BoardOptions o = BoardOptions.builder().builtinDrivers(false).iommu(TestCounterLayout.COMPATIBLE).build();
        try (Board b = Board.boot(dt.platform(), o)) {
            Device d0 = b.device("10300000.test-counter").orElseThrow().dev();
            Device d1 = b.device("10301000.test-counter").orElseThrow().dev();
            assertThat(d0.iommu()).isPresent();
            assertThat(d1.iommu()).isPresent();
            assertThat(d0.iommu().get()).isNotSameAs(d1.iommu().get());
            assertThat(b.machine().log().lines()).contains("platform 10300000.test-counter: Adding to iommu group 0",
                    "platform 10301000.test-counter: Adding to iommu group 1");
        }
    }

    @Test
    void aModelIsCreatedRealizedAndResetForEveryNodeAProviderKnows() {
        TestDt dt = TestDt.create().soc(counter(0x1030_0000L, 40), node("other", 0x1040_0000L, 0x1000, null, "x,y"));
        try (Board b = Board.boot(dt.platform(), quiet())) {
            TestCounterModel m = b.model(TestCounterLayout.COMPATIBLE, TestCounterModel.class);
            assertThat(m.resets()).isEqualTo(1);
            assertThat(b.model("10400000.other")).isEmpty();
            assertThat(b.model("10300000.test-counter")).containsSame(m);
        }
    }

    @Test
    void modelLookupByCompatibleNeedsExactlyOneDeviceOfTheRightType() {
        TestDt dt = TestDt.create().soc(counter(0x1030_0000L, 40), counter(0x1030_1000L, 41),
                node("other", 0x1040_0000L, 0x1000, null, "x,y"));
        try (Board b = Board.boot(dt.platform(), quiet())) {
            assertThatThrownBy(() -> b.model(TestCounterLayout.COMPATIBLE, TestCounterModel.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("compatible: jcma,test-counter (expected: exactly one device; found "
                            + "[10300000.test-counter, 10301000.test-counter])");
            assertThatThrownBy(() -> b.model("x,y", TestCounterModel.class)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("compatible: x,y (expected: a device with a model; 10400000.other has none)");
        }
    }

    @Test
    void closeUnrealizesTheModelsAndIsIdempotent() {
        TestDt dt = TestDt.create().soc(counter(0x1030_0000L, 40));
        Board b = Board.boot(dt.platform(), quiet());
        TestCounterModel m = b.model(TestCounterLayout.COMPATIBLE, TestCounterModel.class);
        b.close();
        assertThat(m.unrealized()).isTrue();
        b.close();
    }

    @Test
    void aModelGetsItsNodesWiringAndTheOptionsTiming() {
        TestDt dt = TestDt.create().soc(counter(0x1030_0000L, 40));
        TransferTiming t = new TransferTiming(1_000, 1L << 30);
        BoardOptions o = BoardOptions.builder().builtinDrivers(false).timing(TestCounterLayout.COMPATIBLE, t).build();
        try (Board b = Board.boot(dt.platform(), o)) {
            ModelContext ctx = b.model(TestCounterLayout.COMPATIBLE, TestCounterModel.class).context();
            assertThat(ctx.name()).isEqualTo("10300000.test-counter");
            assertThat(ctx.node().path()).isEqualTo("/soc/test-counter@10300000");
            assertThat(ctx.timing()).isEqualTo(t);
            assertThat(ctx.clock()).isSameAs(b.clock());
            assertThat(ctx.irqCount()).isEqualTo(1);
            assertThatThrownBy(() -> ctx.irq(1)).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessage("index: 1 (expected: 0..0, the entries of /soc/test-counter@10300000's interrupts)");
        }
    }

    @Test
    void aModelThatFailsToRealizeIsWarnedAboutAndTheBoardBootsWithoutIt() {
        DeviceModelProvider failing = Providers.of(TestCounterLayout.COMPATIBLE, () -> new DeviceModel() {
                    @Override
                    public void realize(ModelContext ctx) {
                        ctx.startThread("doomed", () -> false);
                        throw new IllegalStateException("no registers");
                    }

                    @Override
                    public List<RegisterBlock> mmio() {
                        return List.of();
                    }

                    @Override
                    public void reset() {
                    }

                    @Override
                    public void unrealize() {
                    }
                });
        TestDt dt = TestDt.create().soc(counter(0x1030_0000L, 40));
        try (Board b = Board.boot(dt.platform(), BoardOptions.builder().model(failing).build())) {
            assertThat(b.model("10300000.test-counter")).isEmpty();
            assertThat(b.machine().log().lines()).contains("java.lang.IllegalStateException: no registers");
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(th -> th.getName().equals("doomed"));
            assertThat(b.device("10300000.test-counter").orElseThrow().driverName()).isEmpty();
        }
    }
}

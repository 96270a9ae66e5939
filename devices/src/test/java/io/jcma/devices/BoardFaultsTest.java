package io.jcma.devices;

import io.jcma.devices.drivers.PlatformDevice;
import io.jcma.devices.drivers.PlatformDriver;
import io.jcma.devices.drivers.testcounter.TestCounterDriver;
import io.jcma.devices.hw.BusFault;
import io.jcma.devices.hw.Mmio;
import io.jcma.devices.hw.MmioResult;
import io.jcma.devices.hw.testcounter.TestCounterLayout;
import io.jcma.devices.testing.Await;
import io.jcma.devices.testing.TestDt;
import io.jcma.dma.DmaBuffer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.jcma.devices.hw.testcounter.TestCounterLayout.*;
import static io.jcma.devices.testing.TestDt.counter;
import static io.jcma.devices.testing.TestDt.node;
import static org.assertj.core.api.Assertions.assertThat;

/** Every refused access is recorded: a model's DMA, a driver's MMIO. */
class BoardFaultsTest {
    static final String NAME = "10300000.test-counter";

    private static Board boot(BoardOptions.Builder o) {
        return Board.boot(TestDt.create().soc(counter(0x1030_0000L, 40)).platform(), o.build());
    }

    private static TestCounterDriver.Counter state(Board b) {
        return b.device(NAME).orElseThrow().drvdata(TestCounterDriver.Counter.class);
    }

    @Test
    void aDmaWriteToNoRamIsAFaultOfTheDevice() {
        try (Board b = boot(BoardOptions.builder())) {
            TestCounterDriver.Counter c = state(b);
            c.regs.writeq(0x10_0000_0000L, DMA_ADDR);
            c.regs.writel(CMD_WRITE, DMA_CMD);
            Await.until("the fault", () -> !b.faults().isEmpty());
            BusFault f = b.faults().getFirst();
            assertThat(f.device()).isEqualTo(NAME);
            assertThat(f.kind()).isEqualTo(BusFault.Kind.DMA_WRITE);
            assertThat(f.address()).isEqualTo(0x10_0000_0000L);
            assertThat(f.length()).isEqualTo(4);
            Await.until("DMA_ERR", () -> (c.regs.readl(STATUS) & DMA_ERR) != 0);
        }
    }

    @Test
    void behindAnIommuADmaToAnUnmappedIovaIsAFaultAndADmaToAMappedOneWorks() {
        try (Board b = boot(BoardOptions.builder().iommu(TestCounterLayout.COMPATIBLE))) {
            TestCounterDriver.Counter c = state(b);
            PlatformDevice d = b.device(NAME).orElseThrow();
            DmaBuffer buf = b.dma().allocCoherent(d.dev(), 4096).orElseThrow();
            c.regs.writel(2, DOORBELL);
            Await.until("two events", () -> c.events.get() == 2);
            c.regs.writeq(buf.dmaAddress(), DMA_ADDR);
            c.regs.writel(CMD_WRITE, DMA_CMD);
            Await.until("the count in memory", () -> buf.cpu().get(java.lang.foreign.ValueLayout.JAVA_INT, 0) == 2);
            c.regs.writeq(buf.dmaAddress() + 0x10_0000, DMA_ADDR);
            c.regs.writel(CMD_READ, DMA_CMD);
            Await.until("the fault", () -> !b.faults().isEmpty());
            assertThat(b.faults().getFirst().kind()).isEqualTo(BusFault.Kind.DMA_READ);
            assertThat(b.faults().getFirst().reason()).startsWith("IOMMU fault: read from unmapped iova");
            b.dma().freeCoherent(d.dev(), 4096, buf);
        }
    }

    @Test
    void anMmioReadOfAHoleAnswersAllOnesAndIsRecorded() {
        try (Board b = boot(BoardOptions.builder())) {
            Mmio regs = state(b).regs;
            assertThat(regs.readl(0x100)).isEqualTo(-1);
            assertThat(regs.readb(0x101)).isEqualTo(0xff);
            regs.writel(1, 0x2);
            List<BusFault> f = b.faults();
            assertThat(f).extracting(BusFault::kind).containsExactly(BusFault.Kind.MMIO_READ, BusFault.Kind.MMIO_READ,
                    BusFault.Kind.MMIO_WRITE);
            assertThat(f.getFirst().address()).isEqualTo(0x100);
            assertThat(f.getFirst().reason()).isEqualTo("offset: 0x100 (expected: a register)");
            assertThat(f.get(2).reason()).isEqualTo("offset: 0x2 (expected: aligned to width 4)");
            assertThat(f).allMatch(x -> !x.dma());
            assertThat(b.machine().errors()).contains(
                    NAME + ": MMIO bus error: readl at phys 0x10300100 (offset 0x100): offset: 0x100 (expected: a register)");
        }
    }

    @Test
    void theRawAccessorsAnswerTheBusErrorWithoutRecordingIt() {
        try (Board b = boot(BoardOptions.builder())) {
            MmioResult r = state(b).regs.read(0x100, 4);
            assertThat(r).isInstanceOf(MmioResult.BusError.class);
            assertThat(b.faults()).isEmpty();
        }
    }

    @Test
    void accessesBeyondTheRegionAndAfterUnbindAreBusErrors() {
        try (Board b = boot(BoardOptions.builder())) {
            Mmio regs = state(b).regs;
            assertThat(regs.readl(TestCounterLayout.SIZE)).isEqualTo(-1);
            b.drivers().unbind(b.device(NAME).orElseThrow());
            int before = b.faults().size();
            assertThat(regs.readl(ID)).isEqualTo(-1);
            assertThat(b.faults()).hasSize(before + 1);
            assertThat(b.faults().getLast().reason()).contains("was iounmap'ed at unbind");
        }
    }

    @Test
    void aRegionWithNoModelBehindItAnswersNothing() {
        AtomicReference<Mmio> mapped = new AtomicReference<>();
        PlatformDriver d = new PlatformDriver() {
            @Override
            public String name() {
                return "nomodel";
            }

            @Override
            public List<String> ofMatchTable() {
                return List.of("x,none");
            }

            @Override
            public void probe(PlatformDevice pdev) {
                mapped.set(pdev.ioremap(0));
            }

            @Override
            public void remove(PlatformDevice pdev) {
            }
        };
        TestDt dt = TestDt.create().soc(node("nothing", 0x1050_0000L, 0x1000, null, "x,none"));
        try (Board b = Board.boot(dt.platform(), BoardOptions.builder().driver(d).build())) {
            assertThat(mapped.get().readl(0)).isEqualTo(-1);
            assertThat(b.faults().getFirst().reason()).isEqualTo(
                    "offset: 0x0 (expected: a device model at phys 0x10500000; none answers)");
        }
    }

    @Test
    void whatTheModelRefusesIsAGuestError() {
        try (Board b = boot(BoardOptions.builder())) {
            Mmio regs = state(b).regs;
            regs.writel(CTRL_RESERVED_RESET, CTRL);
            regs.writel(1, DOORBELL);
            regs.writel(0xff01, CTRL);
            assertThat(b.guestErrors()).containsExactly(
                    NAME + ": DOORBELL (offset 0x10): write ignored: counter disabled (value 0x1)",
                    NAME + ": CTRL (offset 0x4): reserved bits 0xa500 kept (value 0xff01)");
            assertThat(b.machine().log().lines()).contains(NAME
                    + ": guest error: DOORBELL (offset 0x10): write ignored: counter disabled (value 0x1)");
            assertThat(b.faults()).isEmpty();
        }
    }
}

package io.jcma.devices.hw.internal;

import io.jcma.cma.boot.Platform;
import io.jcma.devices.hw.BusFault;
import io.jcma.devices.hw.Clock;
import io.jcma.devices.hw.DmaOrdering;
import io.jcma.devices.hw.VirtualClock;
import io.jcma.dma.Device;
import io.jcma.dma.DmaBuffer;
import io.jcma.dma.Dma;
import io.jcma.dma.DmaOptions;
import io.jcma.dma.DmaStatus;
import io.jcma.dma.DmaValue;
import io.jcma.dma.IommuDomain;
import io.jcma.devices.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The model's only way to memory: every refused access is a BusFault, counted. */
class DmaPortImplTest {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static Dma dma;
    private final List<BusFault> faults = new CopyOnWriteArrayList<>();
    private final VirtualClock clock = Clock.virtual();

    @BeforeAll
    static void boot() {
        dma = Dma.boot(Platform.builder().mem(256L << 20).build(), DmaOptions.defaults().withDebug(true));
    }

    @AfterAll
    static void close() {
        dma.machine().close();
    }

    private DmaPortImpl port(Device dev) {
        return new DmaPortImpl(dev.memory(), "10000000.test", clock, faults::add);
    }

    @Test
    void accessesToGivenMemoryAnswerOkAndRecordNothing() {
        Device dev = dma.newDevice("ok").driver("t").build();
        DmaBuffer buf = dma.allocCoherent(dev, 4096).orElseThrow();
        DmaPortImpl p = port(dev);
        assertThat(p.writeU32(buf.dmaAddress(), 0xcafe_f00dL)).isEqualTo(DmaStatus.OK);
        assertThat(buf.cpu().get(U32, 0)).isEqualTo(0xcafe_f00d);
        assertThat(p.readU32(buf.dmaAddress()).value()).isEqualTo(0xcafe_f00dL);
        assertThat(p.fill(buf.dmaAddress() + 8, 8, (byte) 0x5a).ok()).isTrue();
        assertThat(p.readU64(buf.dmaAddress() + 8).value()).isEqualTo(0x5a5a_5a5a_5a5a_5a5aL);
        MemorySegment dst = MemorySegment.ofArray(new byte[4]);
        assertThat(p.read(buf.dmaAddress(), dst).ok()).isTrue();
        assertThat(dst.get(U32, 0)).isEqualTo(0xcafe_f00d);
        assertThat(p.faults()).isZero();
        assertThat(faults).isEmpty();
        dma.freeCoherent(dev, 4096, buf);
        dma.unbind(dev);
    }

    @Test
    void aReadOfUnassignedMemoryIsRecordedWithItsAddress() {
        Device dev = dma.newDevice("hole").build();
        DmaPortImpl p = port(dev);
        clock.advance(77);
        long nowhere = 1L << 40;
        DmaValue v = p.readU32(nowhere);
        assertThat(v.status()).isInstanceOf(DmaStatus.Unassigned.class);
        assertThat(p.faults()).isEqualTo(1);
        BusFault f = faults.getFirst();
        assertThat(f.device()).isEqualTo("10000000.test");
        assertThat(f.kind()).isEqualTo(BusFault.Kind.DMA_READ);
        assertThat(f.address()).isEqualTo(nowhere);
        assertThat(f.length()).isEqualTo(4);
        assertThat(f.time()).isEqualTo(77);
        assertThat(f.reason()).isEqualTo("unassigned: no RAM at phys 0x10000000000 (dma 0x10000000000, access at 0x10000000000)");
        assertThat(f.dma()).isTrue();
    }

    @Test
    void aRefusedWriteMovesNoByteAndRecordsWhereItFailed() {
        Device dev = dma.newDevice("cross").driver("t").build();
        long lastPage = dma.machine().memory().endPfn() - 1 << 12;
        MemorySegment last = dma.machine().memory().segment(lastPage >>> 12, 1);
        last.fill((byte) 0x11);
        DmaPortImpl p = port(dev);
        DmaStatus s = p.write(lastPage + 4090, MemorySegment.ofArray(new byte[16]));
        assertThat(s).isInstanceOf(DmaStatus.Unassigned.class);
        assertThat(last.get(ValueLayout.JAVA_BYTE, 4095)).isEqualTo((byte) 0x11);
        BusFault f = faults.getFirst();
        assertThat(f.kind()).isEqualTo(BusFault.Kind.DMA_WRITE);
        assertThat(f.address()).isEqualTo(lastPage + 4096);
        assertThat(f.length()).isEqualTo(16);
        dma.unbind(dev);
    }

    @Test
    void behindAnIommuAnUnmappedIovaIsAFault() {
        IommuDomain domain = IommuDomain.create(48);
        Device dev = dma.newDevice("iommu").iommu(domain).build();
        DmaPortImpl p = port(dev);
        assertThat(p.writeU64(0x10_0000, 1)).isInstanceOf(DmaStatus.Fault.class);
        assertThat(p.readU8(0x20_0000).status()).isInstanceOf(DmaStatus.Fault.class);
        assertThat(p.faults()).isEqualTo(2);
        assertThat(faults).extracting(BusFault::kind).containsExactly(BusFault.Kind.DMA_WRITE, BusFault.Kind.DMA_READ);
        assertThat(faults.getFirst().reason()).contains("IOMMU fault: write to unmapped iova");
        assertThat(faults.getFirst().address()).isEqualTo(0x10_0000);
    }

    @Test
    void everyScalarWidthIsCheckedAndCounted() {
        Device dev = dma.newDevice("widths").build();
        DmaPortImpl p = port(dev);
        long nowhere = 1L << 41;
        p.readU8(nowhere);
        p.readU16(nowhere);
        p.readU64(nowhere);
        p.writeU8(nowhere, 1);
        p.writeU16(nowhere, 1);
        p.writeU32(nowhere, 1);
        p.fill(nowhere, 3, (byte) 0);
        p.read(nowhere, MemorySegment.ofArray(new byte[5]));
        p.readU32Acquire(nowhere);
        p.writeU32Release(nowhere, 1);
        assertThat(p.faults()).isEqualTo(10);
        assertThat(faults).extracting(BusFault::length).containsExactly(1L, 2L, 8L, 1L, 2L, 4L, 3L, 5L, 4L, 4L);
    }

    /**
     * Message passing, device to CPU: the device writes a payload with plain stores and
     * publishes a sequence number with writeU32Release; the CPU reads the number with an
     * acquire load and must then see the whole payload of that round.
     */
    @Test
    void aReleasedOwnershipWordPublishesThePayloadBeforeIt() throws InterruptedException {
        Device dev = dma.newDevice("mp").driver("t").build();
        DmaBuffer buf = dma.allocCoherent(dev, 4096).orElseThrow();
        DmaPortImpl p = port(dev);
        int rounds = 20_000;
        long flag = buf.dmaAddress();
        long payload = buf.dmaAddress() + 64;
        Thread device = new Thread(() -> {
            for (int i = 1; i <= rounds; i++) {
                while (DmaOrdering.loadAcquireU32(buf.cpu(), 4) != i - 1) {
                    Thread.onSpinWait();
                }
                for (int w = 0; w < 16; w++) {
                    p.writeU32(payload + 4L * w, i);
                }
                p.writeU32Release(flag, i);
            }
        });
        device.start();
        int torn = 0;
        for (int i = 1; i <= rounds; i++) {
            while (DmaOrdering.loadAcquireU32(buf.cpu(), 0) != i) {
                Thread.onSpinWait();
            }
            for (int w = 0; w < 16; w++) {
                if (buf.cpu().get(U32, 64 + 4L * w) != i) {
                    torn++;
                }
            }
            DmaOrdering.storeReleaseU32(buf.cpu(), 4, i);
        }
        Await.join(device);
        assertThat(torn).isZero();
        assertThat(p.readU32Acquire(flag).value()).isEqualTo(rounds);
        assertThat(p.faults()).isZero();
        dma.freeCoherent(dev, 4096, buf);
        dma.unbind(dev);
    }
}

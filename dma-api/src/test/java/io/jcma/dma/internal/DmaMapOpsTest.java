package io.jcma.dma.internal;

import io.jcma.cma.boot.MemRange;
import io.jcma.cma.boot.Platform;
import io.jcma.dma.Dma;
import io.jcma.dma.DmaAttrs;
import io.jcma.dma.DmaDirection;
import io.jcma.dma.DmaOptions;
import io.jcma.dma.IommuDomain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The ops are chosen once per device, and each kind of mapping comes from the ops that make it. */
class DmaMapOpsTest {
    private Dma dma;

    @BeforeEach
    void boot() {
        dma = Dma.boot(Platform.builder().memory(new MemRange(0, 256L << 20, 0)).cmdline("cma=16M swiotlb=1024").build(),
                DmaOptions.defaults().withDebug(true));
    }

    @AfterEach
    void close() {
        dma.machine().close();
    }

    private DeviceImpl device(String name, IommuDomain domain) {
        var b = dma.newDevice(name).driver("drv").masks(Dma.bitMask(32));
        return (DeviceImpl) (domain == null ? b : b.iommu(domain)).build();
    }

    @Test
    void devicesWithoutAnIommuShareTheLayersDirectOpsAndEachIommuDeviceHasItsOwn() {
        DeviceImpl a = device("a", null);
        DeviceImpl b = device("b", null);
        IommuDomain domain = IommuDomain.create(32);
        DeviceImpl c = device("c", domain);
        DeviceImpl d = device("d", domain);
        assertThat(a.ops()).isInstanceOf(DirectOps.class).isSameAs(b.ops());
        assertThat(c.ops()).isInstanceOf(IommuDmaOps.class).isNotSameAs(d.ops());
        long mask = c.dmaMask();
        dma.setMask(c, Dma.bitMask(12));
        assertThat(c.ops()).as("a mask change keeps the ops").isInstanceOf(IommuDmaOps.class);
        assertThat(c.dmaMask()).isNotEqualTo(mask);
    }

    @Test
    void directOpsMapRamDirectlyAndTheRestThroughSwiotlb() {
        DeviceImpl dev = device("a", null);
        MemorySegment ram = dma.machine().memory().segment(20000, 1);
        Mapping direct = dev.ops().mapPage(new Mapping.Request(dev, ram, OptionalLong.of(20000L << 12),
                DmaDirection.TO_DEVICE, "-"), 0).orElseThrow();
        assertThat(direct).isInstanceOf(Mapping.Direct.class);
        assertThat(direct.dma()).isEqualTo(20000L << 12);
        MemorySegment heap = MemorySegment.ofArray(new byte[300]);
        Mapping bounced = dev.ops().mapPage(new Mapping.Request(dev, heap, OptionalLong.empty(),
                DmaDirection.TO_DEVICE, "-"), 0).orElseThrow();
        assertThat(bounced).isInstanceOf(Mapping.Bounced.class);
        assertThat(bounced.debugPhys()).isEqualTo(bounced.bounce().orElseThrow().phys());
        assertThat(dma.swiotlb().orElseThrow().used()).isEqualTo(1);
        dev.ops().unmapPage(bounced, bounced.size(), DmaDirection.TO_DEVICE, DmaAttrs.NONE);
        dev.ops().unmapPage(direct, direct.size(), DmaDirection.TO_DEVICE, DmaAttrs.NONE);
        assertThat(dma.swiotlb().orElseThrow().used()).isZero();
    }

    @Test
    void iommuOpsTranslateRamAndBouncedMemoryAlike() {
        IommuDomain domain = IommuDomain.create(32);
        DeviceImpl dev = device("gpu", domain);
        MemorySegment ram = dma.machine().memory().segment(20000, 2).asSlice(100, 5000);
        Mapping.Translated t = (Mapping.Translated) dev.ops().mapPage(new Mapping.Request(dev, ram,
                OptionalLong.of((20000L << 12) + 100), DmaDirection.FROM_DEVICE, "-"), 0).orElseThrow();
        assertThat(t.via()).isEmpty();
        assertThat(t.iova().length()).as("the two pages the buffer touches").isEqualTo(8192);
        assertThat(t.dma() & 0xfff).isEqualTo(100);
        assertThat(domain.iovaToPhys(t.dma())).isEqualTo((20000L << 12) + 100);
        Mapping.Translated h = (Mapping.Translated) dev.ops().mapPage(new Mapping.Request(dev,
                MemorySegment.ofArray(new byte[64]), OptionalLong.empty(), DmaDirection.TO_DEVICE, "-"), 0).orElseThrow();
        assertThat(h.via()).isPresent();
        assertThat(domain.iovaToPhys(h.dma())).isEqualTo(h.via().orElseThrow().phys());
        dev.ops().unmapPage(t, t.size(), DmaDirection.FROM_DEVICE, DmaAttrs.NONE);
        dev.ops().unmapPage(h, h.size(), DmaDirection.TO_DEVICE, DmaAttrs.NONE);
        assertThat(domain.mappedPages()).isZero();
        assertThat(domain.iovaPages()).isZero();
        assertThat(dma.swiotlb().orElseThrow().used()).isZero();
    }
}

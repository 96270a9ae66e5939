package io.jcma.dma;

import io.jcma.cma.Cma;
import io.jcma.cma.mm.Gfp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A buffer or scatterlist that is not one of this DMA layer (null, or a buffer of another
 * machine's layer) is refused with IllegalArgumentException naming it, as a foreign device is,
 * by every call that takes one; so are another machine's CMA area and an IOMMU domain whose
 * devices belong to another layer.
 */
class ForeignHandleTest {
    private Dma dma;
    private Dma other;
    private Device dev;

    @BeforeEach
    void boot() {
        dma = ReviewFixture.boot();
        other = ReviewFixture.boot();
        dev = dma.newDevice("dev0").driver("drv").build();
    }

    @AfterEach
    void close() {
        dma.machine().close();
        other.machine().close();
    }

    @Test
    void nullBufferIsRefused() {
        assertThatThrownBy(() -> dma.freeAttrs(dev, 4096, null, DmaAttrs.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("buffer: null");
        assertThatThrownBy(() -> dma.dmamFreeCoherent(dev, 4096, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("buffer: null");
        assertThatThrownBy(() -> dma.bufExport(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("buffer: null");
        assertThat(dma.debug().errorCount()).isZero();
    }

    @Test
    void bufferOfAnotherLayerIsRefused() {
        Device od = other.newDevice("dev0").driver("drv").build();
        DmaBuffer b = other.allocCoherent(od, 4096).orElseThrow();
        assertThatThrownBy(() -> dma.bufExport(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("buffer: " + b);
        assertThatThrownBy(() -> dma.freeAttrs(dev, 4096, b, DmaAttrs.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("buffer: " + b);
        assertThat(dma.debug().errorCount()).isZero();
        other.freeCoherent(od, 4096, b);
        assertThat(other.debug().errorCount()).isZero();
    }

    @Test
    void nullScatterlistIsRefused() {
        assertThatThrownBy(() -> dma.mapSg(dev, null, 1, DmaDirection.TO_DEVICE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("scatterlist: null");
        assertThatThrownBy(() -> dma.unmapSg(dev, null, 1, DmaDirection.TO_DEVICE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("scatterlist: null");
        assertThatThrownBy(() -> dma.syncSgForCpu(dev, null, 1, DmaDirection.FROM_DEVICE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("scatterlist: null");
    }

    @Test
    void everyCallTakingADeviceRefusesOneOfAnotherLayer() {
        Device foreign = other.newDevice("dev0").driver("drv").build();
        Scatterlist sg = Scatterlist.of(MemorySegment.ofArray(new byte[64]));
        MemorySegment seg = MemorySegment.ofArray(new byte[64]);
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("unbind", () -> dma.unbind(foreign));
        calls.put("bind", () -> dma.bind(foreign, "drv2"));
        calls.put("supported", () -> dma.supported(foreign, -1L));
        calls.put("setMask", () -> dma.setMask(foreign, -1L));
        calls.put("setCoherentMask", () -> dma.setCoherentMask(foreign, -1L));
        calls.put("setMaskAndCoherent", () -> dma.setMaskAndCoherent(foreign, -1L));
        calls.put("allocCoherent", () -> dma.allocCoherent(foreign, 4096));
        calls.put("allocAttrs", () -> dma.allocAttrs(foreign, 4096, Gfp.KERNEL, DmaAttrs.NONE));
        calls.put("dmamAllocCoherent", () -> dma.dmamAllocCoherent(foreign, 4096, Gfp.KERNEL));
        calls.put("mapSingle", () -> dma.mapSingle(foreign, seg, DmaDirection.TO_DEVICE));
        calls.put("mapSingleAttrs", () -> dma.mapSingleAttrs(foreign, seg, DmaDirection.TO_DEVICE, 0));
        calls.put("mapPage", () -> dma.mapPage(foreign, 100, 0, 64, DmaDirection.TO_DEVICE, 0));
        calls.put("unmapSingle", () -> dma.unmapSingle(foreign, 0x1000, 64, DmaDirection.TO_DEVICE));
        calls.put("unmapSingleAttrs", () -> dma.unmapSingleAttrs(foreign, 0x1000, 64, DmaDirection.TO_DEVICE, 0));
        calls.put("mappingError", () -> dma.mappingError(foreign, 0x1000));
        calls.put("syncSingleForCpu", () -> dma.syncSingleForCpu(foreign, 0x1000, 64, DmaDirection.FROM_DEVICE));
        calls.put("syncSingleForDevice", () -> dma.syncSingleForDevice(foreign, 0x1000, 64, DmaDirection.TO_DEVICE));
        calls.put("mapSg", () -> dma.mapSg(foreign, sg, 1, DmaDirection.TO_DEVICE, 0));
        calls.put("unmapSg", () -> dma.unmapSg(foreign, sg, 1, DmaDirection.TO_DEVICE, 0));
        calls.put("syncSgForCpu", () -> dma.syncSgForCpu(foreign, sg, 1, DmaDirection.FROM_DEVICE));
        calls.put("syncSgForDevice", () -> dma.syncSgForDevice(foreign, sg, 1, DmaDirection.TO_DEVICE));
        calls.put("poolCreate", () -> dma.poolCreate("p", foreign, 64, 0, 0));
        calls.put("dmamPoolCreate", () -> dma.dmamPoolCreate("p", foreign, 64, 0, 0));
        DmaBuffer mine = dma.allocCoherent(dev, 4096).orElseThrow();
        DmaBuf buf = dma.bufExport(mine);
        calls.put("DmaBuf.attach", () -> buf.attach(foreign));
        calls.put("freeCoherent", () -> dma.freeCoherent(foreign, 4096, mine));
        calls.put("dmamFreeCoherent", () -> dma.dmamFreeCoherent(foreign, 4096, mine));
        for (Map.Entry<String, Executable> c : calls.entrySet()) {
            assertThatThrownBy(c.getValue()::execute).as(c.getKey()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("device: " + foreign);
        }
        assertThat(foreign.bound()).as("nothing happened to it").isTrue();
        assertThat(other.debug().errorCount() + dma.debug().errorCount()).isZero();
        buf.put();
        assertThat(mine.freed()).isTrue();
    }

    @Test
    void aCmaAreaOfAnotherMachineIsRefusedAtBuild() {
        Cma foreignArea = other.machine().defaultArea().orElseThrow();
        assertThatThrownBy(() -> dma.newDevice("gpu0").cmaArea(foreignArea).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cmaArea: reserved (expected: an area of this machine)");
        Cma mine = dma.machine().defaultArea().orElseThrow();
        assertThat(dma.newDevice("gpu0").cmaArea(mine).build().cmaArea()).containsSame(mine);
    }

    @Test
    void anIommuDomainWithDevicesOfAnotherLayerIsRefusedAtBuild() {
        IommuDomain domain = IommuDomain.create(32);
        Device first = other.newDevice("gpu0").iommu(domain).build();
        assertThat(other.newDevice("gpu1").iommu(domain).build().iommu()).containsSame(domain);
        assertThatThrownBy(() -> dma.newDevice("gpu0").iommu(domain).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("iommu: " + domain)
                .hasMessageEndingWith("(expected: a domain of this DMA layer's devices)");
        assertThat(first.iommu()).containsSame(domain);
    }
}

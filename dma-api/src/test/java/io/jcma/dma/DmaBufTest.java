package io.jcma.dma;

import io.jcma.cma.boot.MemRange;
import io.jcma.cma.boot.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** dma-buf lifetime: shared by two devices, alive until both release it, each with its own address. */
class DmaBufTest {
    private Dma dma;

    @BeforeEach
    void boot() {
        dma = Dma.boot(Platform.builder().memory(new MemRange(0, 512L << 20, 0)).cmdline("cma=32M").build(),
                DmaOptions.defaults().withDebug(true));
    }

    @AfterEach
    void close() {
        dma.machine().close();
    }

    @Test
    void sharedBufferLivesUntilTheLastReferenceAndEachDeviceSeesItsOwnAddress() {
        Device codec = dma.newDevice("codec0").driver("vcodec").build();
        Device gpu = dma.newDevice("gpu0").driver("gpu").iommu(IommuDomain.create(32)).build();
        Device disp = dma.newDevice("disp0").driver("display").busOffset(0x100_0000L).build();
        DmaBuffer frame = dma.allocCoherent(codec, 1 << 20).orElseThrow();
        frame.cpu().set(ValueLayout.JAVA_INT_UNALIGNED, 0, 0xabcd);
        long used = dma.machine().defaultArea().orElseThrow().used();
        assertThat(used).isEqualTo(256);

        DmaBuf buf = dma.bufExport(frame);
        DmaBuf.Attachment g = buf.get().attach(gpu);
        DmaBuf.Attachment d = buf.get().attach(disp);
        assertThat(buf.refcount()).isEqualTo(3);
        Scatterlist gs = g.map(DmaDirection.BIDIRECTIONAL);
        Scatterlist ds = d.map(DmaDirection.TO_DEVICE);
        long gpuAddr = gs.dmaAddress(0);
        long dispAddr = ds.dmaAddress(0);
        assertThat(dispAddr).isEqualTo(frame.phys() - 0x100_0000L);
        assertThat(gpuAddr).isNotEqualTo(frame.dmaAddress()).isNotEqualTo(dispAddr);
        assertThat(gpu.memory().readU32(gpuAddr).value()).isEqualTo(0xabcd);
        assertThat(disp.memory().readU32(dispAddr).value()).isEqualTo(0xabcd);

        buf.put();
        assertThat(buf.released()).isFalse();
        assertThatThrownBy(() -> dma.freeCoherent(codec, 1 << 20, frame)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dma-buf");
        g.unmap(gs, DmaDirection.BIDIRECTIONAL);
        g.detach();
        buf.put();
        assertThat(buf.released()).isFalse();
        assertThat(disp.memory().readU32(dispAddr).value()).isEqualTo(0xabcd);
        assertThat(dma.machine().defaultArea().orElseThrow().used()).isEqualTo(256);
        assertThat(gpu.memory().readU32(gpuAddr).status()).as("unmapped for the GPU").isInstanceOf(DmaStatus.Fault.class);

        d.detach();
        buf.put();
        assertThat(buf.released()).isTrue();
        assertThat(frame.freed()).isTrue();
        assertThat(dma.machine().defaultArea().orElseThrow().used()).isZero();
        assertThatThrownBy(buf::put).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> buf.attach(gpu)).isInstanceOf(IllegalStateException.class);
        assertThat(dma.debug().lines()).isEmpty();
    }

    @Test
    void releaseWithAttachmentsLeftTearsThemDownAndSaysSo() {
        Device a = dma.newDevice("a0").driver("a").build();
        Device b = dma.newDevice("b0").driver("b").build();
        DmaBuffer x = dma.allocCoherent(a, 8192).orElseThrow();
        DmaBuf buf = dma.bufExport(x);
        DmaBuf.Attachment at = buf.attach(b);
        at.map(DmaDirection.TO_DEVICE);
        buf.put();
        assertThat(buf.released()).isTrue();
        assertThat(dma.machine().log().lines()).anyMatch(l -> l.contains("attachment(s) still attached"));
        assertThat(dma.debug().entries(b)).isZero();
        assertThat(dma.debug().entries(a)).isZero();
    }

    @Test
    void exportingTwiceOrAFreedBufferIsRefused() {
        Device a = dma.newDevice("a0").driver("a").build();
        DmaBuffer x = dma.allocCoherent(a, 8192).orElseThrow();
        dma.bufExport(x);
        assertThatThrownBy(() -> dma.bufExport(x)).isInstanceOf(IllegalStateException.class);
        DmaBuffer y = dma.allocCoherent(a, 8192).orElseThrow();
        dma.freeCoherent(a, 8192, y);
        assertThatThrownBy(() -> dma.bufExport(y)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void mappingForADeviceThatCannotReachItFailsWithEnomem() {
        Device a = dma.newDevice("a0").driver("a").masks(-1L).build();
        DmaBuffer x = dma.allocCoherent(a, 8192).orElseThrow();
        // the bus maps only memory above the buffer, and no swiotlb lies there either
        Device far = dma.newDevice("far0").driver("far").busOffset(x.phys() + (64L << 20)).build();
        DmaBuf buf = dma.bufExport(x);
        DmaBuf.Attachment at = buf.attach(far);
        assertThatThrownBy(() -> at.map(DmaDirection.TO_DEVICE)).isInstanceOf(io.jcma.cma.kernel.ErrnoException.class)
                .hasMessageContaining("ENOMEM").hasMessageContaining("dev=far0");
        at.detach();
        buf.put();
        assertThat(dma.machine().defaultArea().orElseThrow().used()).isZero();
    }

    @Test
    void anAttachmentMapsOnceAndNotAfterDetach() {
        Device a = dma.newDevice("a0").driver("a").build();
        Device b = dma.newDevice("b0").driver("b").build();
        DmaBuf buf = dma.bufExport(dma.allocCoherent(a, 8192).orElseThrow());
        DmaBuf.Attachment at = buf.attach(b);
        Scatterlist sgt = at.map(DmaDirection.TO_DEVICE);
        assertThatThrownBy(() -> at.map(DmaDirection.TO_DEVICE)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already mapped");
        at.unmap(sgt, DmaDirection.TO_DEVICE);
        at.detach();
        assertThatThrownBy(() -> at.map(DmaDirection.TO_DEVICE)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("detached");
        assertThatThrownBy(at::detach).isInstanceOf(IllegalStateException.class);
        buf.put();
        assertThatThrownBy(buf::get).isInstanceOf(IllegalStateException.class);
        assertThat(dma.debug().errorCount()).isZero();
    }
}

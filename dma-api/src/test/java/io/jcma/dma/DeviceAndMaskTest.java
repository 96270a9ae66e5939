package io.jcma.dma;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.boot.MemRange;
import io.jcma.cma.boot.Platform;
import io.jcma.cma.mm.Gfp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** struct device parameters, dma_set_mask and friends, driver binding and devres. */
class DeviceAndMaskTest {
    private Dma dma;

    @BeforeEach
    void boot() {
        dma = Dma.boot(Platform.builder().memory(new MemRange(0, 256L << 20, 0)).cmdline("cma=16M").build(),
                DmaOptions.defaults().withDebug(true));
    }

    @AfterEach
    void close() {
        dma.machine().close();
    }

    private static Errno errno(Throwable t) {
        return ((ErrnoException) t).errno();
    }

    @Test
    void defaultsAreTheKernels() {
        Device d = dma.newDevice("d0").build();
        assertThat(d.dmaMask()).isEqualTo(0xffff_ffffL);
        assertThat(d.coherentDmaMask()).isEqualTo(0xffff_ffffL);
        assertThat(d.maxSegmentSize()).isEqualTo(65536);
        assertThat(d.segmentBoundaryMask()).isEqualTo(0xffff_ffffL);
        assertThat(d.numaNode()).isEqualTo(-1);
        assertThat(d.bound()).isFalse();
        assertThat(d.driverName()).isEqualTo("platform");
        assertThat(d.cmaArea()).isEmpty();
        assertThat(d.iommu()).isEmpty();
    }

    @Test
    void masksOf32BitsAndAboveAreAlwaysSupported() {
        Device d = dma.newDevice("d0").build();
        dma.setMaskAndCoherent(d, Dma.bitMask(32));
        dma.setMaskAndCoherent(d, Dma.bitMask(64));
        assertThat(d.dmaMask()).isEqualTo(-1L);
        assertThat(d.coherentDmaMask()).isEqualTo(-1L);
    }

    @Test
    void aMaskCoveringZoneDmaIsSupported() {
        Device d = dma.newDevice("d0").build();
        dma.setMask(d, Dma.bitMask(24));
        assertThat(d.dmaMask()).isEqualTo(0xff_ffffL);
    }

    @Test
    void aMaskBelowZoneDmaIsEio() {
        Device d = dma.newDevice("d0").build();
        assertThatThrownBy(() -> dma.setMask(d, Dma.bitMask(20)))
                .satisfies(t -> assertThat(errno(t)).isEqualTo(Errno.EIO))
                .hasMessageContaining("dma_set_mask: dev=d0 mask=0xfffff");
        assertThat(d.dmaMask()).isEqualTo(0xffff_ffffL);
    }

    @Test
    void aCoherentMaskBelowZoneDmaIsEio() {
        Device d = dma.newDevice("d0").build();
        assertThatThrownBy(() -> dma.setCoherentMask(d, 0))
                .satisfies(t -> assertThat(errno(t)).isEqualTo(Errno.EIO))
                .hasMessageContaining("dma_set_coherent_mask");
    }

    @Test
    void setMaskAndCoherentFailsBeforeTouchingTheCoherentMask() {
        Device d = dma.newDevice("d0").build();
        assertThatThrownBy(() -> dma.setMaskAndCoherent(d, Dma.bitMask(16)))
                .satisfies(t -> assertThat(errno(t)).isEqualTo(Errno.EIO));
        assertThat(d.coherentDmaMask()).isEqualTo(0xffff_ffffL);
    }

    @Test
    void theBusOffsetLowersTheMaskNeeded() {
        Device d = dma.newDevice("d0").busOffset(0x80_0000L).build();
        assertThat(dma.supported(d, 0x7f_ffffL)).isTrue();
        assertThat(dma.supported(d, 0x7f_fffeL)).isFalse();
    }

    @Test
    void aDeviceBehindAnIommuSupportsAnyMask() {
        Device d = dma.newDevice("d0").iommu(IommuDomain.create(32)).build();
        dma.setMask(d, Dma.bitMask(12));
        assertThat(d.dmaMask()).isEqualTo(0xfffL);
    }

    @Test
    void bitMaskRejectsOutOfRange() {
        assertThat(Dma.bitMask(0)).isZero();
        assertThat(Dma.bitMask(64)).isEqualTo(-1L);
        assertThatThrownBy(() -> Dma.bitMask(65)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n: 65");
    }

    @Test
    void builderRejectsANegativeBusOffset() {
        assertThatThrownBy(() -> dma.newDevice("d0").busOffset(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("busOffset: -1");
    }

    @Test
    void builderRejectsANodeBelowMinusOne() {
        assertThatThrownBy(() -> dma.newDevice("d0").numaNode(-2).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numaNode: -2");
    }

    @Test
    void builderRejectsASegmentSizeBelowAPage() {
        assertThatThrownBy(() -> dma.newDevice("d0").maxSegmentSize(512).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSegmentSize: 512");
    }

    @Test
    void builderRejectsABoundaryMaskThatIsNotAPowerOfTwoMinusOne() {
        assertThatThrownBy(() -> dma.newDevice("d0").segmentBoundaryMask(0x1000).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("segmentBoundaryMask: 0x1000");
        assertThatThrownBy(() -> dma.newDevice("d0").segmentBoundaryMask(0x7ff).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void builderRejectsAnEmptyOrDuplicateName() {
        assertThatThrownBy(() -> dma.newDevice("")).isInstanceOf(IllegalArgumentException.class);
        dma.newDevice("same").build();
        assertThatThrownBy(() -> dma.newDevice("same").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name: same");
    }

    @Test
    void bindingTwiceIsEbusyAndUnbindingTwiceIsRefused() {
        Device d = dma.newDevice("d0").driver("one").build();
        assertThatThrownBy(() -> dma.bind(d, "two")).satisfies(t -> assertThat(errno(t)).isEqualTo(Errno.EBUSY));
        dma.unbind(d);
        assertThatThrownBy(() -> dma.unbind(d)).isInstanceOf(IllegalStateException.class);
        dma.bind(d, "two");
        assertThat(d.driverName()).isEqualTo("two");
    }

    @Test
    void managedAllocationsAreFreedAtUnbindWithoutALeakReport() {
        Device d = dma.newDevice("d0").driver("drv").build();
        DmaBuffer a = dma.dmamAllocCoherent(d, 64 * 1024, Gfp.KERNEL).orElseThrow();
        DmaBuffer b = dma.dmamAllocCoherent(d, 8192, Gfp.KERNEL).orElseThrow();
        dma.dmamFreeCoherent(d, 8192, b);
        assertThat(dma.machine().defaultArea().orElseThrow().used()).isEqualTo(16);
        dma.unbind(d);
        assertThat(a.freed()).isTrue();
        assertThat(dma.machine().defaultArea().orElseThrow().used()).isZero();
        assertThat(dma.debug().errorCount()).isZero();
    }

    @Test
    void dmamFreeOfAnUnmanagedBufferIsRefused() {
        Device d = dma.newDevice("d0").driver("drv").build();
        DmaBuffer a = dma.allocCoherent(d, 8192).orElseThrow();
        assertThatThrownBy(() -> dma.dmamFreeCoherent(d, 8192, a)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theHookHasNoLayerBeforeBoot() {
        assertThatThrownBy(() -> Dma.hook(DmaOptions.defaults()).dma()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not booted");
    }

    @Test
    void fromPagesValidatesItsArguments() {
        assertThatThrownBy(() -> Scatterlist.fromPages(dma, new long[] {100}, 4096, 1, 65536))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset: 4096");
        assertThatThrownBy(() -> Scatterlist.fromPages(dma, new long[] {100}, 0, 4097, 65536))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length: 4097");
        assertThatThrownBy(() -> Scatterlist.fromPages(dma, new long[] {100}, 0, 10, 1024))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSegment: 1024");
        assertThatThrownBy(() -> Scatterlist.fromPages(dma, new long[] {1L << 30}, 0, 10, 65536))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: a page of RAM");
    }

    @Test
    void aForeignDeviceIsRejected() {
        Dma other = Dma.boot(Platform.builder().mem(64L << 20).build(), DmaOptions.defaults());
        try {
            Device foreign = other.newDevice("x").build();
            assertThatThrownBy(() -> dma.allocCoherent(foreign, 4096)).isInstanceOf(IllegalArgumentException.class);
        } finally {
            other.machine().close();
        }
    }
}

package io.jcma.dma;

import io.jcma.cma.boot.MemRange;
import io.jcma.cma.boot.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The seam for a new kind of device memory: classes of the test sources ({@link LocalSram},
 * {@link RegisterAperture}) placed on the bus are reached by device accesses, by bus offset and
 * through an IOMMU, and by streaming mappings of their CPU view, with no change to the layer.
 */
class MemoryRegionTest {
    private static final long SRAM = 0x4000_0000L;
    private static final long REGS = 0x5000_0000L;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Dma dma;
    private Arena arena;
    private LocalSram sram;

    @BeforeEach
    void boot() {
        // RAM is [0, 256 MiB): the regions lie where nothing answered before
        dma = Dma.boot(Platform.builder().memory(new MemRange(0, 256L << 20, 0)).cmdline("cma=16M swiotlb=1024").build(),
                DmaOptions.defaults().withDebug(true));
        arena = Arena.ofShared();
        sram = new LocalSram(arena, 64 << 10);
    }

    @AfterEach
    void close() {
        dma.machine().close();
        arena.close();
    }

    @Test
    void devicesReachTheRegionAtItsBusAddress() {
        Device dev = dma.newDevice("d0").driver("drv").build();
        assertThat(dev.memory().readU32(SRAM + 0x10).status()).isInstanceOf(DmaStatus.Unassigned.class);
        dma.requestMemRegion(SRAM, sram);
        assertThat(dev.memory().writeU32(SRAM + 0x10, 0xdead_beefL)).isEqualTo(DmaStatus.OK);
        assertThat(sram.cpuView().orElseThrow().get(U32, 0x10)).isEqualTo(0xdead_beef);
        sram.cpuView().orElseThrow().set(U32, 0x2000, 0x1234_5678);
        Device offset = dma.newDevice("d1").driver("drv").busOffset(0x1000_0000L).build();
        assertThat(offset.memory().readU32(SRAM - 0x1000_0000L + 0x2000).value()).isEqualTo(0x1234_5678L);
        byte[] page = new byte[8192];
        assertThat(dev.memory().read(SRAM + 0x1000, page)).as("two pages of one region").isEqualTo(DmaStatus.OK);
        assertThat(MemorySegment.ofArray(page).get(U32, 0x1000)).isEqualTo(0x1234_5678);
    }

    @Test
    void anIommuMapsTheRegionsPagesLikeRam() {
        dma.requestMemRegion(SRAM, sram);
        IommuDomain domain = IommuDomain.create(32);
        Device dev = dma.newDevice("gpu0").driver("gpu").iommu(domain).build();
        sram.cpuView().orElseThrow().set(U32, 0x3004, 42);
        domain.map(0x10_0000L, SRAM + 0x3000, 0x1000, IommuDomain.IOMMU_READ);
        assertThat(dev.memory().readU32(0x10_0004L).value()).isEqualTo(42);
        assertThat(dev.memory().writeU32(0x10_0004L, 7)).isInstanceOf(DmaStatus.Fault.class);
        assertThat(sram.cpuView().orElseThrow().get(U32, 0x3004)).as("a refused write changes nothing").isEqualTo(42);
    }

    @Test
    void aStreamingMapOfTheCpuViewMapsTheRegionDirectlyWhenTheDeviceReachesIt() {
        dma.requestMemRegion(SRAM, sram);
        Device dev = dma.newDevice("d0").driver("drv").build();
        MemorySegment buf = sram.cpuView().orElseThrow().asSlice(0x100, 256);
        buf.fill((byte) 0x5a);
        long a = dma.mapSingle(dev, buf, DmaDirection.TO_DEVICE);
        assertThat(dma.mappingError(dev, a)).isFalse();
        assertThat(a).isEqualTo(SRAM + 0x100);
        assertThat(dma.swiotlb().orElseThrow().used()).isZero();
        assertThat(dev.memory().readU8(a + 255).value()).isEqualTo(0x5a);
        dma.unmapSingle(dev, a, 256, DmaDirection.TO_DEVICE);
        assertThat(dma.debug().errorCount()).isZero();
    }

    @Test
    void aDeviceThatCannotReachTheRegionBouncesItLikeRam() {
        dma.requestMemRegion(SRAM, sram);
        Device dev = dma.newDevice("d0").driver("drv").masks(Dma.bitMask(28)).build();
        MemorySegment buf = sram.cpuView().orElseThrow().asSlice(0, 128);
        buf.fill((byte) 0x33);
        long a = dma.mapSingle(dev, buf, DmaDirection.BIDIRECTIONAL);
        assertThat(dma.mappingError(dev, a)).isFalse();
        assertThat(a).isLessThan(1L << 28);
        assertThat(dma.swiotlb().orElseThrow().used()).isEqualTo(1);
        assertThat(dev.memory().writeU8(a, 0x44)).isEqualTo(DmaStatus.OK);
        dma.unmapSingle(dev, a, 128, DmaDirection.BIDIRECTIONAL);
        assertThat(buf.get(ValueLayout.JAVA_BYTE, 0)).as("copied back at unmap").isEqualTo((byte) 0x44);
        assertThat(buf.get(ValueLayout.JAVA_BYTE, 1)).isEqualTo((byte) 0x33);
    }

    @Test
    void anMmioRegionSeesOneAccessOfTheAccessWidthAndItsRefusalsCarryTheAccessAddresses() {
        RegisterAperture regs = new RegisterAperture();
        dma.requestMemRegion(REGS, regs);
        Device dev = dma.newDevice("dma0").driver("dmaengine").busOffset(0x100_0000L).build();
        long bus = REGS - 0x100_0000L;
        assertThat(dev.memory().writeU32(bus + 8, 0xcafe_f00dL)).isEqualTo(DmaStatus.OK);
        assertThat(regs.log).containsExactly(new RegisterAperture.Access(true, 8, 4));
        assertThat(regs.reg(2)).isEqualTo(0xcafe_f00d);
        assertThat(dev.memory().readU32(bus + 8).value()).isEqualTo(0xcafe_f00dL);
        assertThat(dev.memory().writeU32(bus + 0x100, 1)).isEqualTo(new DmaStatus.Fault(bus + 0x100,
                "register-aperture: no register at 0x100"));
        assertThat(dev.memory().readU16(bus + 4).status()).isEqualTo(new DmaStatus.Unassigned(bus + 4, REGS + 4));
        assertThat(regs.cpuView()).isEmpty();
    }

    @Test
    void releasedRegionsAnswerNoMore() {
        Device dev = dma.newDevice("d0").driver("drv").build();
        dma.requestMemRegion(SRAM, sram);
        dma.releaseMemRegion(sram);
        assertThat(dev.memory().readU32(SRAM).status()).isEqualTo(new DmaStatus.Unassigned(SRAM, SRAM));
        assertThatThrownBy(() -> dma.releaseMemRegion(sram)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("release_mem_region: local-sram");
        dma.requestMemRegion(SRAM, sram);
        assertThat(dev.memory().readU32(SRAM).ok()).as("requested again").isTrue();
    }

    @Test
    void aRegionMustBePageAlignedAndSized() {
        assertThatThrownBy(() -> dma.requestMemRegion(SRAM + 0x800, sram)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("start=0x0000000040000800");
        MemoryRegion odd = new RegisterAperture() {
            @Override
            public long size() {
                return 100;
            }
        };
        assertThatThrownBy(() -> dma.requestMemRegion(REGS, odd)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size=0x64");
        assertThatThrownBy(() -> dma.requestMemRegion(-4096, sram)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dma.requestMemRegion(Long.MAX_VALUE & ~0xfffL, sram))
                .as("the range wraps").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRegionMayNotOverlapRam() {
        assertThatThrownBy(() -> dma.requestMemRegion((256L << 20) - 4096, sram)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: no RAM; pfn 65535 is RAM");
    }

    @Test
    void aRegionMayNotOverlapAnotherOrBeRequestedTwice() {
        dma.requestMemRegion(SRAM, sram);
        assertThatThrownBy(() -> dma.requestMemRegion(SRAM + 0x8000, new RegisterAperture()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("local-sram is at 0x0000000040000000");
        assertThatThrownBy(() -> dma.requestMemRegion(REGS, sram)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCpuViewMustBeTheRegionsSizeOfNativeMemory() {
        MemoryRegion heap = new LocalSram(arena, 4096) {
            @Override
            public Optional<MemorySegment> cpuView() {
                return Optional.of(MemorySegment.ofArray(new byte[4096]));
            }
        };
        assertThatThrownBy(() -> dma.requestMemRegion(SRAM, heap)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: 4096 bytes of native memory");
    }
}

package io.jcma.dma;

import io.jcma.cma.boot.MemRange;
import io.jcma.cma.boot.Platform;
import io.jcma.cma.mm.Gfp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** mm/dmapool.c: the create rules one by one, block layout, the pools file, errors. */
class DmaPoolTest {
    private Dma dma;
    private Device dev;

    @BeforeEach
    void boot() {
        dma = Dma.boot(Platform.builder().memory(new MemRange(0, 256L << 20, 0)).cmdline("cma=16M").build(),
                DmaOptions.defaults().withDebug(true));
        dev = dma.newDevice("nvme0").driver("nvme").build();
    }

    @AfterEach
    void close() {
        dma.machine().close();
    }

    @Test
    void alignThatIsNotAPowerOfTwoIsRefused() {
        assertThat(dma.poolCreate("p", dev, 64, 3, 0)).isEmpty();
        assertThat(dma.poolCreate("p", dev, 64, -8, 0)).isEmpty();
    }

    @Test
    void sizeZeroOrAboveIntMaxIsRefused() {
        assertThat(dma.poolCreate("p", dev, 0, 8, 0)).isEmpty();
        assertThat(dma.poolCreate("p", dev, (1L << 31), 8, 0)).isEmpty();
    }

    @Test
    void boundaryBelowSizeOrNotAPowerOfTwoIsRefused() {
        assertThat(dma.poolCreate("p", dev, 512, 8, 256)).isEmpty();
        assertThat(dma.poolCreate("p", dev, 64, 8, 3000)).isEmpty();
    }

    @Test
    void aNullDeviceIsRefused() {
        assertThat(dma.poolCreate("p", null, 64, 8, 0)).isEmpty();
    }

    @Test
    void sizesRoundUpToTheBlockHeaderAndAlignment() {
        DmaPool tiny = dma.poolCreate("tiny", dev, 1, 0, 0).orElseThrow();
        assertThat(tiny.size()).isEqualTo(16);
        assertThat(tiny.allocation()).isEqualTo(4096);
        assertThat(tiny.boundary()).isEqualTo(4096);
        DmaPool odd = dma.poolCreate("odd", dev, 100, 64, 0).orElseThrow();
        assertThat(odd.size()).isEqualTo(128);
        DmaPool big = dma.poolCreate("big", dev, 6000, 8, 1 << 20).orElseThrow();
        assertThat(big.allocation()).isEqualTo(6000);
        assertThat(big.boundary()).as("min(boundary, allocation)").isEqualTo(6000);
        assertThat(dma.poolCreate("a-name-longer-than-thirty-one-characters", dev, 8, 0, 0).orElseThrow().name())
                .hasSize(31);
    }

    /** Every (size, align, boundary) of a small grid: blocks aligned, never across a boundary, disjoint. */
    @Test
    void blocksAreAlignedNeverCrossABoundaryAndNeverOverlap() {
        for (long size : new long[] {16, 24, 100, 512, 1000, 4096}) {
            for (long align : new long[] {1, 8, 64, 256}) {
                for (long boundary : new long[] {0, 1024, 2048, 4096}) {
                    var maybe = dma.poolCreate("grid", dev, size, align, boundary);
                    long rounded = Math.max(16, size + (align - 1)) & -align;
                    if (boundary != 0 && boundary < rounded) {
                        assertThat(maybe).isEmpty();
                        continue;
                    }
                    DmaPool pool = maybe.orElseThrow();
                    List<DmaPool.Block> blocks = new ArrayList<>();
                    Set<Long> seen = new HashSet<>();
                    for (int i = 0; i < 40; i++) {
                        DmaPool.Block b = pool.alloc(Gfp.KERNEL).orElseThrow();
                        long a = b.dmaAddress();
                        assertThat(a % align).isZero();
                        assertThat(a / pool.boundary()).isEqualTo((a + pool.size() - 1) / pool.boundary());
                        for (long s : seen) {
                            assertThat(a >= s + pool.size() || s >= a + pool.size()).isTrue();
                        }
                        seen.add(a);
                        blocks.add(b);
                    }
                    blocks.forEach(pool::free);
                    pool.destroy();
                }
            }
        }
        assertThat(dma.debug().errorCount()).isZero();
        assertThat(dma.machine().defaultArea().orElseThrow().used()).isZero();
    }

    @Test
    void freedBlocksComeBackFirstAndZallocZeroes() {
        DmaPool pool = dma.poolCreate("lifo", dev, 64, 64, 0).orElseThrow();
        DmaPool.Block a = pool.alloc(Gfp.KERNEL).orElseThrow();
        DmaPool.Block b = pool.alloc(Gfp.KERNEL).orElseThrow();
        assertThat(b.dmaAddress()).isEqualTo(a.dmaAddress() + 64);
        a.cpu().fill((byte) 0x77);
        pool.free(a);
        DmaPool.Block c = pool.zalloc().orElseThrow();
        assertThat(c.dmaAddress()).isEqualTo(a.dmaAddress());
        assertThat(c.cpu().toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0);
        assertThat(pool.pages()).isEqualTo(1);
        assertThat(pool.blocks()).isEqualTo(64);
        assertThat(pool.active()).isEqualTo(2);
    }

    @Test
    void poolsFileListsNewestFirstInTheKernelsFormat() {
        DmaPool p1 = dma.poolCreate("prp list page", dev, 4096, 4096, 0).orElseThrow();
        DmaPool p2 = dma.poolCreate("prp list 256", dev, 256, 256, 0).orElseThrow();
        p2.alloc(Gfp.KERNEL).orElseThrow();
        p2.alloc(Gfp.KERNEL).orElseThrow();
        assertThat(dma.machine().fs().read("/sys/devices/platform/nvme0/pools")).isEqualTo(
                "poolinfo - 0.1\n"
                        + "prp list 256        2   16  256  1\n"
                        + "prp list page       0    0 4096  0\n");
        p1.destroy();
        assertThat(dma.machine().fs().exists("/sys/devices/platform/nvme0/pools")).isTrue();
    }

    @Test
    void theLastPoolRemovesTheFile() {
        DmaPool p = dma.poolCreate("only", dev, 32, 0, 0).orElseThrow();
        p.destroy();
        assertThat(dma.machine().fs().exists("/sys/devices/platform/nvme0/pools")).isFalse();
    }

    @Test
    void freeingABlockTwiceIsReportedAndRefused() {
        DmaPool pool = dma.poolCreate("dbl", dev, 64, 0, 0).orElseThrow();
        DmaPool.Block a = pool.alloc(Gfp.KERNEL).orElseThrow();
        pool.free(a);
        assertThatThrownBy(() -> pool.free(a)).isInstanceOf(IllegalStateException.class).hasMessageContaining("already free");
        assertThat(dma.machine().log().errors()).contains(
                "nvme nvme0: pool_block_err dbl, dma " + String.format("0x%016x", a.dmaAddress()) + " already free");
        assertThat(pool.active()).isZero();
    }

    @Test
    void freeingABlockFromElsewhereIsReportedAndRefused() {
        DmaPool pool = dma.poolCreate("bad", dev, 64, 0, 0).orElseThrow();
        pool.alloc(Gfp.KERNEL).orElseThrow();
        DmaPool.Block forged = new DmaPool.Block(java.lang.foreign.MemorySegment.ofArray(new byte[64]), 0x1234_0000L);
        assertThatThrownBy(() -> pool.free(forged)).isInstanceOf(IllegalStateException.class).hasMessageContaining("(bad dma)");
        assertThat(pool.active()).isEqualTo(1);
    }

    @Test
    void destroyingABusyPoolLeaksItsPagesAsTheKernelDoes() {
        DmaPool pool = dma.poolCreate("busy", dev, 64, 0, 0).orElseThrow();
        pool.alloc(Gfp.KERNEL).orElseThrow();
        pool.destroy();
        assertThat(dma.machine().log().errors()).contains("nvme nvme0: dma_pool_destroy busy busy");
        assertThat(dma.debug().entries(dev)).isEqualTo(1);
        assertThatThrownBy(pool::destroy).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> pool.alloc(Gfp.KERNEL)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void managedPoolsAreDestroyedAtUnbind() {
        DmaPool pool = dma.dmamPoolCreate("managed", dev, 128, 0, 0).orElseThrow();
        DmaPool.Block b = pool.alloc(Gfp.KERNEL).orElseThrow();
        pool.free(b);
        dma.unbind(dev);
        assertThatThrownBy(() -> pool.alloc(Gfp.KERNEL)).isInstanceOf(IllegalStateException.class);
        assertThat(dma.debug().errorCount()).isZero();
        assertThat(dma.debug().entries(dev)).isZero();
    }
}

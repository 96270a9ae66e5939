package io.jcma.dma;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.boot.MemRange;
import io.jcma.cma.boot.Platform;
import io.jcma.cma.fs.KernelFs;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** /sys/kernel/debug/dma-api and swiotlb files, and what debug off changes. */
class DebugFsTest {

    private static Dma boot(boolean debug) {
        return Dma.boot(Platform.builder().memory(new MemRange(0, 256L << 20, 0)).cmdline("cma=16M swiotlb=1024").build(),
                DmaOptions.defaults().withDebug(debug));
    }

    @Test
    void filesReadAsTheKernelsAndWritesAreChecked() {
        Dma dma = boot(true);
        try {
            KernelFs fs = dma.machine().fs();
            assertThat(fs.list("/sys/kernel/debug/dma-api")).contains("all_errors", "disabled", "dump", "error_count",
                    "num_errors");
            assertThat(fs.read("/sys/kernel/debug/dma-api/error_count")).isEqualTo("0\n");
            assertThat(fs.read("/sys/kernel/debug/dma-api/num_errors")).isEqualTo("1\n");
            assertThat(fs.read("/sys/kernel/debug/dma-api/all_errors")).isEqualTo("0\n");
            assertThat(fs.read("/sys/kernel/debug/dma-api/disabled")).isEqualTo("N\n");
            fs.write("/sys/kernel/debug/dma-api/num_errors", "5");
            assertThat(fs.read("/sys/kernel/debug/dma-api/num_errors")).isEqualTo("5\n");
            assertThatThrownBy(() -> fs.write("/sys/kernel/debug/dma-api/num_errors", "x"))
                    .satisfies(t -> assertThat(((ErrnoException) t).errno()).isEqualTo(Errno.EINVAL));
            assertThatThrownBy(() -> fs.write("/sys/kernel/debug/dma-api/error_count", "0"))
                    .satisfies(t -> assertThat(((ErrnoException) t).errno()).isEqualTo(Errno.EACCES));
            assertThat(fs.read("/sys/kernel/debug/swiotlb/io_tlb_nslabs")).isEqualTo("1024\n");
            assertThat(fs.read("/sys/kernel/debug/swiotlb/io_tlb_used")).isEqualTo("0\n");
        } finally {
            dma.machine().close();
        }
    }

    @Test
    void dumpListsLiveEntriesInTheKernelsFormat() {
        Dma dma = boot(true);
        try {
            Device dev = dma.newDevice("eth0").driver("e1000").build();
            DmaBuffer b = dma.allocCoherent(dev, 8192).orElseThrow();
            long a = dma.mapPage(dev, 30000, 128, 256, DmaDirection.TO_DEVICE, 0);
            String dump = dma.machine().fs().read("/sys/kernel/debug/dma-api/dump");
            long pfn = b.phys() >>> 12;
            assertThat(dump).contains(String.format("e1000 eth0 coherent idx %d P=%x N=%x D=%x L=2000 cln=0x%016x"
                    + " DMA_BIDIRECTIONAL dma map error check not applicable%n", (b.dmaAddress() >>> 13) & 16383,
                    b.phys(), pfn, b.dmaAddress(), pfn << 6));
            assertThat(dump).contains(String.format("e1000 eth0 single idx %d P=%x N=7530 D=%x L=100 cln=0x%016x"
                    + " DMA_TO_DEVICE dma map error not checked%n", (a >>> 13) & 16383, a, a, (30000L << 6) + 2));
            dma.mappingError(dev, a);
            assertThat(dma.machine().fs().read("/sys/kernel/debug/dma-api/dump")).contains("dma map error checked");
        } finally {
            dma.machine().close();
        }
    }

    @Test
    void bootLogsTheSwiotlbAndDebugLines() {
        Dma dma = boot(true);
        try {
            long start = dma.swiotlb().orElseThrow().start();
            assertThat(start + (1024L << 11)).isLessThanOrEqualTo(1L << 32);
            assertThat(dma.machine().log().lines()).contains(
                    String.format("software IO TLB: mapped [mem 0x%016x-0x%016x] (2MB)", start, start + (2L << 20)),
                    "DMA-API: debugging enabled by kernel config");
            assertThat(dma.machine().memblock().isRegionWhollyReserved(start, 2L << 20)).isTrue();
        } finally {
            dma.machine().close();
        }
    }

    @Test
    void swiotlbNoforceMeansNothingCanBounce() {
        Dma dma = Dma.boot(Platform.builder().mem(256L << 20).cmdline("swiotlb=noforce").build(),
                DmaOptions.defaults().withDebug(true));
        try {
            assertThat(dma.swiotlb()).isEmpty();
            Device dev = dma.newDevice("d0").driver("drv").build();
            long a = dma.mapSingle(dev, MemorySegment.ofArray(new byte[16]), DmaDirection.TO_DEVICE);
            assertThat(dma.mappingError(dev, a)).isTrue();
            assertThat(dma.machine().log().lines()).anyMatch(l -> l.startsWith("drv d0: Can not allocate SWIOTLB buffer"));
        } finally {
            dma.machine().close();
        }
    }

    @Test
    void swiotlbForceBouncesEvenReachableRam() {
        Dma dma = Dma.boot(Platform.builder().mem(256L << 20).cmdline("swiotlb=256,force").build(),
                DmaOptions.defaults().withDebug(true));
        try {
            Device dev = dma.newDevice("d0").driver("drv").build();
            long a = dma.mapPage(dev, 1000, 0, 4096, DmaDirection.TO_DEVICE, 0);
            assertThat(a).isNotEqualTo(1000L << 12);
            assertThat(dma.swiotlb().orElseThrow().used()).isEqualTo(2);
            dma.mappingError(dev, a);
            dma.unmapSingle(dev, a, 4096, DmaDirection.TO_DEVICE);
        } finally {
            dma.machine().close();
        }
    }

    @Test
    void attachingToAMachineBootedWithoutTheHookRegistersTheFilesButCannotBounce() {
        io.jcma.cma.boot.Machine m = io.jcma.cma.boot.Machine.boot(Platform.builder().mem(64L << 20).build());
        try {
            Dma dma = Dma.attach(m, DmaOptions.defaults().withDebug(true));
            assertThat(m.fs().read("/sys/kernel/debug/dma-api/error_count")).isEqualTo("0\n");
            assertThat(dma.swiotlb()).isEmpty();
            Device dev = dma.newDevice("d0").driver("drv").build();
            long a = dma.mapSingle(dev, MemorySegment.ofArray(new byte[16]), DmaDirection.TO_DEVICE);
            assertThat(dma.mappingError(dev, a)).isTrue();
            long ram = dma.mapPage(dev, 100, 0, 64, DmaDirection.TO_DEVICE, 0);
            assertThat(ram).isEqualTo(100L << 12);
        } finally {
            m.close();
        }
    }

    @Test
    void dmaDebugOffOnTheCommandLineDisablesIt() {
        Dma dma = Dma.boot(Platform.builder().mem(64L << 20).cmdline("dma_debug=off").build(),
                DmaOptions.defaults().withDebug(true));
        try {
            assertThat(dma.debug().enabled()).isFalse();
            assertThat(dma.machine().log().lines()).contains("DMA-API: debugging disabled on kernel command line")
                    .doesNotContain("DMA-API: debugging enabled by kernel config");
            assertThat(dma.machine().fs().read("/sys/kernel/debug/dma-api/disabled")).isEqualTo("Y\n");
        } finally {
            dma.machine().close();
        }
    }

    @Test
    void withDebugOffNothingIsReportedButDoubleFreeIsStillRefused() {
        Dma dma = boot(false);
        try {
            assertThat(dma.machine().fs().read("/sys/kernel/debug/dma-api/disabled")).isEqualTo("Y\n");
            Device dev = dma.newDevice("d0").driver("drv").build();
            DmaBuffer b = dma.allocCoherent(dev, 8192).orElseThrow();
            MemorySegment cpu = b.cpu();
            dma.freeCoherent(dev, 4096, b);
            assertThatThrownBy(() -> dma.freeCoherent(dev, 8192, b)).isInstanceOf(IllegalStateException.class);
            cpu.get(ValueLayout.JAVA_BYTE, 0);
            assertThat(dev.memory().readU8(b.dmaAddress()).ok()).isTrue();
            assertThat(dma.debug().errorCount()).isZero();
            assertThat(dma.debug().dump()).isEmpty();
        } finally {
            dma.machine().close();
        }
    }
}

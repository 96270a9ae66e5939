package io.jcma.dma;

import io.jcma.cma.Cma;
import io.jcma.cma.ErrnoException;
import io.jcma.cma.Errno;
import io.jcma.cma.boot.BootHook;
import io.jcma.cma.boot.EarlyBoot;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.MemRange;
import io.jcma.cma.boot.Platform;
import io.jcma.cma.mm.Gfp;
import io.jcma.cma.mm.Mm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Coherent, streaming and scatterlist behaviour that every memory backing must show. Subclasses
 * name the backing ({@link #backing()}); the hugepage backing runs the same tests.
 */
abstract class DmaContractTest {
    static final long G = 1L << 30;
    static final long M = 1L << 20;

    private final List<Machine> machines = new ArrayList<>();

    /** The {@code --backing} spec the machines of this run use. */
    protected String backing() {
        return "sparse-file";
    }

    @AfterEach
    void closeMachines() {
        machines.forEach(Machine::close);
        machines.clear();
    }

    Dma boot(long mem, String cmdline, BootHook... extra) {
        Platform p = Platform.builder().memory(new MemRange(0, mem, 0)).cmdline(cmdline).backing(backing()).build();
        Dma.Hook h = Dma.hook(DmaOptions.defaults().withDebug(true));
        List<BootHook> hooks = new ArrayList<>(List.of(extra));
        hooks.add(h);
        machines.add(Machine.boot(p, hooks));
        return h.dma();
    }

    /** Skips a test whose point needs RAM above 4 GiB when the backing dictates a smaller layout. */
    static void assumeRamAbove4G(Dma dma) {
        assumeTrue(Mm.pfnPhys(dma.machine().memory().endPfn()) > Mm.SZ_4G + 64 * M,
                "the backing's RAM layout ends at or below 4 GiB; this test needs RAM above it");
    }

    static long end(DmaBuffer b) {
        return b.dmaAddress() + b.size() - 1;
    }

    // ---------------------------------------------------------------- routing

    @Test
    void deviceAreaServesEverySizeAndNeverFallsBackToAnotherArea() {
        Dma dma = boot(512 * M, "cma=16M", new AreaHook("gpu-pool", 8 * M));
        Cma own = dma.machine().cma().byName("gpu-pool").orElseThrow();
        Cma def = dma.machine().defaultArea().orElseThrow();
        Device dev = dma.newDevice("gpu0").driver("gpu").cmaArea(own).build();
        DmaBuffer one = dma.allocCoherent(dev, 4096).orElseThrow();
        assertThat(one.source()).as("a device area serves single pages too").isEqualTo("cma:gpu-pool");
        assertThat(own.used()).isEqualTo(1);
        DmaBuffer rest = dma.allocCoherent(dev, 4 * M).orElseThrow();
        assertThat(rest.source()).isEqualTo("cma:gpu-pool");
        // 8 MiB cannot fit any more: the default area has room but is never asked, and
        // 8 MiB is beyond MAX_PAGE_ORDER so the page allocator cannot serve it either
        assertThat(dma.allocAttrs(dev, 8 * M, Gfp.KERNEL, DmaAttrs.NO_WARN)).isEmpty();
        assertThat(def.used()).isZero();
        // what the page allocator can serve comes from it, as __dma_direct_alloc_pages falls back
        DmaBuffer fromPages = dma.allocAttrs(dev, 4 * M, Gfp.KERNEL, DmaAttrs.NO_WARN).orElseThrow();
        assertThat(fromPages.source()).isEqualTo("pages:order=10");
        assertThat(def.used()).isZero();
        dma.freeCoherent(dev, 4096, one);
        dma.freeCoherent(dev, 4 * M, rest);
        dma.freeCoherent(dev, 4 * M, fromPages);
        assertThat(own.used()).isZero();
        assertThat(dma.debug().errorCount()).isZero();
    }

    @Test
    void singlePagesSkipCmaAndLargerOnesUseTheDefaultArea() {
        Dma dma = boot(512 * M, "cma=16M");
        Cma def = dma.machine().defaultArea().orElseThrow();
        Device dev = dma.newDevice("dev0").driver("drv").build();
        DmaBuffer page = dma.allocCoherent(dev, 100).orElseThrow();
        assertThat(page.source()).isEqualTo("pages:order=0");
        assertThat(def.used()).isZero();
        DmaBuffer two = dma.allocCoherent(dev, 4097).orElseThrow();
        assertThat(two.source()).isEqualTo("cma:reserved");
        assertThat(def.used()).isEqualTo(2);
        dma.freeCoherent(dev, 100, page);
        dma.freeCoherent(dev, 4097, two);
    }

    @Test
    void cmaAlignmentIsTheOrderCappedAtEight() {
        Dma dma = boot(512 * M, "", new AreaHook("pool", 8 * M));
        Cma own = dma.machine().cma().byName("pool").orElseThrow();
        Device dev = dma.newDevice("dev0").driver("drv").cmaArea(own).masks(-1L).build();
        DmaBuffer three = dma.allocCoherent(dev, 3 * 4096).orElseThrow();
        DmaBuffer one = dma.allocCoherent(dev, 4096).orElseThrow();
        DmaBuffer big = dma.allocCoherent(dev, 2 * M).orElseThrow();
        assertThat(Mm.pfnDown(three.phys()) - own.basePfn()).isZero();
        // order 0: the next free page; order 2 would have skipped to page 4
        assertThat(Mm.pfnDown(one.phys()) - own.basePfn()).isEqualTo(3);
        // order 9 capped at CONFIG_CMA_ALIGNMENT 8: page 256, not 512
        assertThat(Mm.pfnDown(big.phys()) - own.basePfn()).isEqualTo(256);
        DmaBuffer four = dma.allocCoherent(dev, 4 * 4096).orElseThrow();
        assertThat(Mm.pfnDown(four.phys()) - own.basePfn()).as("order 2: aligned to 4 pages").isEqualTo(4);
    }

    @Test
    void numaDeviceUsesItsNodesAreasPernumaFirst() {
        Dma dma = boot(512 * M, "cma=16M", new AreaHook("pernuma0", 4 * M), new AreaHook("numa0", 4 * M));
        Device dev = dma.newDevice("nic0").driver("nic").numaNode(0).masks(-1L).build();
        DmaBuffer a = dma.allocCoherent(dev, 4 * M).orElseThrow();
        DmaBuffer b = dma.allocCoherent(dev, 8192).orElseThrow();
        DmaBuffer c = dma.allocCoherent(dev, 8192).orElseThrow();
        assertThat(a.source()).isEqualTo("cma:pernuma0");
        assertThat(b.source()).isEqualTo("cma:numa0");
        assertThat(c.source()).isEqualTo("cma:numa0");
        // a 32-bit coherent mask means GFP_DMA32, which skips the per-node areas
        Device narrow = dma.newDevice("nic1").driver("nic").numaNode(0).build();
        DmaBuffer d = dma.allocCoherent(narrow, 8192).orElseThrow();
        assertThat(d.source()).isEqualTo("cma:reserved");
    }

    @Test
    void a32BitCoherentMaskNeverGetsMemoryAtOrAbove4G() {
        // on x86 the default area sits at the end of RAM: above 4 GiB on a 5 GiB machine
        Dma dma = boot(5 * G, "cma=64M");
        assumeRamAbove4G(dma);
        Cma def = dma.machine().defaultArea().orElseThrow();
        assertThat(def.base()).isGreaterThanOrEqualTo(Mm.SZ_4G);
        Device dev = dma.newDevice("dev32").driver("drv").build();
        List<DmaBuffer> bufs = new ArrayList<>();
        for (long size : new long[] {4096, 8192, 64 * 1024, M, 4 * M}) {
            DmaBuffer b = dma.allocCoherent(dev, size).orElseThrow();
            assertThat(Long.compareUnsigned(end(b), 0xffff_ffffL)).isLessThanOrEqualTo(0);
            assertThat(b.source()).startsWith("pages:");
            bufs.add(b);
        }
        assertThat(def.used()).as("CMA pages above the mask went back").isZero();
        Device dev64 = dma.newDevice("dev64").driver("drv").masks(-1L).build();
        DmaBuffer high = dma.allocCoherent(dev64, M).orElseThrow();
        assertThat(high.source()).isEqualTo("cma:reserved");
        assertThat(high.dmaAddress()).isGreaterThanOrEqualTo(Mm.SZ_4G);
    }

    @Test
    void aMaskWithinZoneDmaGetsZoneDmaPages() {
        Dma dma = boot(512 * M, "");
        Device isa = dma.newDevice("isa0").driver("floppy").masks(0xff_ffffL).build();
        DmaBuffer b = dma.allocCoherent(isa, 64 * 1024).orElseThrow();
        assertThat(end(b)).isLessThanOrEqualTo(0xff_ffffL);
    }

    @Test
    void aMaskNothingCanSatisfyFailsCleanly() {
        Dma dma = boot(512 * M, "cma=16M");
        Device dev = dma.newDevice("dev0").driver("drv").build();
        assertThatThrownBy(() -> dma.setCoherentMask(dev, 0xf_ffffL))
                .isInstanceOf(ErrnoException.class)
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EIO))
                .hasMessageContaining("mask=0xfffff");
        assertThat(dev.coherentDmaMask()).isEqualTo(0xffff_ffffL);
        // a 24-bit device asking for more than ZONE_DMA holds: NULL, nothing leaked
        Device isa = dma.newDevice("isa0").driver("floppy").masks(0xff_ffffL).build();
        long free = dma.machine().pageAllocator().freePages();
        assertThat(dma.allocAttrs(isa, 32 * M, Gfp.KERNEL, DmaAttrs.NO_WARN)).isEmpty();
        assertThat(dma.machine().pageAllocator().freePages()).isEqualTo(free);
        assertThat(dma.machine().defaultArea().orElseThrow().used()).isZero();
    }

    @Test
    void theFallbackPathIsTakenWhenCmaIsFull() {
        Dma dma = boot(512 * M, "cma=8M");
        Cma def = dma.machine().defaultArea().orElseThrow();
        Device dev = dma.newDevice("dev0").driver("drv").build();
        DmaBuffer fill = dma.allocCoherent(dev, 8 * M).orElseThrow();
        assertThat(def.availableCount()).isZero();
        DmaBuffer b = dma.allocAttrs(dev, 2 * M, Gfp.KERNEL, DmaAttrs.NO_WARN).orElseThrow();
        assertThat(b.source()).isEqualTo("pages:order=9");
        // beyond MAX_PAGE_ORDER only CMA could have served it
        assertThat(dma.allocAttrs(dev, 8 * M, Gfp.KERNEL, DmaAttrs.NO_WARN)).isEmpty();
        dma.freeCoherent(dev, 8 * M, fill);
        assertThat(dma.allocCoherent(dev, 8 * M)).isPresent();
    }

    @Test
    void noWarnSilencesTheCmaFailureLog() {
        Dma dma = boot(512 * M, "cma=4M");
        Device dev = dma.newDevice("dev0").driver("drv").build();
        dma.allocCoherent(dev, 4 * M).orElseThrow();
        int before = dma.machine().log().lines().size();
        dma.allocAttrs(dev, 2 * M, Gfp.KERNEL, DmaAttrs.NO_WARN).orElseThrow();
        assertThat(dma.machine().log().lines().subList(before, dma.machine().log().lines().size()))
                .noneMatch(l -> l.contains("alloc failed"));
        dma.allocCoherent(dev, 2 * M).orElseThrow();
        assertThat(dma.machine().log().lines()).anyMatch(l -> l.contains("reserved: alloc failed, req-size: 512 pages"));
    }

    @Test
    void memoryIsZeroedAndNoKernelMappingIsNot() {
        Dma dma = boot(512 * M, "cma=8M");
        Device dev = dma.newDevice("dev0").driver("drv").build();
        DmaBuffer a = dma.allocCoherent(dev, 64 * 1024).orElseThrow();
        a.cpu().fill((byte) 0x5a);
        long phys = a.phys();
        dma.freeCoherent(dev, 64 * 1024, a);
        DmaBuffer b = dma.allocCoherent(dev, 64 * 1024).orElseThrow();
        assertThat(b.phys()).isEqualTo(phys);
        assertThat(b.cpu().toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0);
        b.cpu().fill((byte) 0x33);
        dma.freeCoherent(dev, 64 * 1024, b);
        DmaBuffer c = dma.allocAttrs(dev, 64 * 1024, Gfp.KERNEL, DmaAttrs.NO_KERNEL_MAPPING).orElseThrow();
        assertThat(c.phys()).isEqualTo(phys);
        assertThatThrownBy(c::cpu).isInstanceOf(IllegalStateException.class).hasMessageContaining("NO_KERNEL_MAPPING");
        assertThat(dev.memory().readU8(c.dmaAddress()).value()).isEqualTo(0x33);
    }

    @Test
    void sizeMustBePositive() {
        Dma dma = boot(256 * M, "");
        Device dev = dma.newDevice("dev0").driver("drv").build();
        assertThatThrownBy(() -> dma.allocCoherent(dev, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size: 0");
    }

    @Test
    void busOffsetShiftsDmaAddressesAndDeviceView() {
        Dma dma = boot(512 * M, "cma=16M");
        Device dev = dma.newDevice("soc0").driver("drv").busOffset(0x100_0000L).masks(-1L).build();
        DmaBuffer b = dma.allocCoherent(dev, 8192).orElseThrow();
        assertThat(b.dmaAddress()).isEqualTo(b.phys() - 0x100_0000L);
        b.cpu().set(ValueLayout.JAVA_INT_UNALIGNED, 0, 0x1234_5678);
        assertThat(dev.memory().readU32(b.dmaAddress()).value()).isEqualTo(0x1234_5678L);
    }

    // ---------------------------------------------------------------- streaming

    @Test
    void ramTheDeviceReachesIsMappedInPlace() {
        Dma dma = boot(512 * M, "swiotlb=1024");
        Device dev = dma.newDevice("dev0").driver("drv").build();
        DmaBuffer b = dma.allocCoherent(dev, 8192).orElseThrow();
        long a = dma.mapSingle(dev, b.cpu(), DmaDirection.TO_DEVICE);
        assertThat(dma.mappingError(dev, a)).isFalse();
        assertThat(a).isEqualTo(b.phys());
        assertThat(dma.swiotlb().orElseThrow().used()).isZero();
        dma.unmapSingle(dev, a, 8192, DmaDirection.TO_DEVICE);
        dma.freeCoherent(dev, 8192, b);
        assertThat(dma.debug().errorCount()).isZero();
    }

    @Test
    void heapMemoryBouncesOnlyOnTheRightSyncAndDirection() {
        Dma dma = boot(512 * M, "swiotlb=1024");
        Device dev = dma.newDevice("dev0").driver("drv").build();
        byte[] heap = new byte[3000];
        MemorySegment seg = MemorySegment.ofArray(heap);
        seg.fill((byte) 1);
        long a = dma.mapSingle(dev, seg, DmaDirection.TO_DEVICE);
        assertThat(dma.mappingError(dev, a)).isFalse();
        assertThat(dma.swiotlb().orElseThrow().used()).isEqualTo(2);
        assertThat(dev.memory().readU8(a + 2999).value()).isEqualTo(1);
        seg.fill((byte) 2);
        assertThat(dev.memory().readU8(a).value()).as("no copy before sync_for_device").isEqualTo(1);
        dma.syncSingleForDevice(dev, a, 3000, DmaDirection.TO_DEVICE);
        assertThat(dev.memory().readU8(a).value()).isEqualTo(2);
        dev.memory().writeU8(a, 9);
        dma.syncSingleForCpu(dev, a, 3000, DmaDirection.TO_DEVICE);
        dma.unmapSingle(dev, a, 3000, DmaDirection.TO_DEVICE);
        assertThat(heap[0]).as("TO_DEVICE never copies back").isEqualTo((byte) 2);
        assertThat(dma.swiotlb().orElseThrow().used()).isZero();

        long f = dma.mapSingle(dev, seg, DmaDirection.FROM_DEVICE);
        assertThat(dma.mappingError(dev, f)).isFalse();
        assertThat(dev.memory().readU8(f).value()).as("map copies in for FROM_DEVICE too (6.12)").isEqualTo(2);
        dev.memory().fill(f, 100, (byte) 7);
        assertThat(heap[0]).isEqualTo((byte) 2);
        dma.syncSingleForDevice(dev, f, 3000, DmaDirection.FROM_DEVICE);
        assertThat(dev.memory().readU8(f).value()).as("sync_for_device does not copy in for FROM_DEVICE").isEqualTo(7);
        dma.syncSingleForCpu(dev, f, 3000, DmaDirection.FROM_DEVICE);
        assertThat(heap[0]).isEqualTo((byte) 7);
        assertThat(heap[100]).isEqualTo((byte) 2);
        dev.memory().fill(f, 3000, (byte) 8);
        dma.unmapSingle(dev, f, 3000, DmaDirection.FROM_DEVICE);
        assertThat(heap[2999]).as("unmap copies back").isEqualTo((byte) 8);
        assertThat(dma.debug().errorCount()).isZero();
    }

    @Test
    void skipCpuSyncUnmapCopiesNothingBack() {
        Dma dma = boot(256 * M, "swiotlb=1024");
        Device dev = dma.newDevice("dev0").driver("drv").build();
        byte[] heap = new byte[100];
        long a = dma.mapSingleAttrs(dev, MemorySegment.ofArray(heap), DmaDirection.FROM_DEVICE, DmaAttrs.SKIP_CPU_SYNC);
        assertThat(dma.mappingError(dev, a)).isFalse();
        dev.memory().fill(a, 100, (byte) 5);
        dma.unmapSingleAttrs(dev, a, 100, DmaDirection.FROM_DEVICE, DmaAttrs.SKIP_CPU_SYNC);
        assertThat(heap).containsOnly((byte) 0);
    }

    @Test
    void anotherArenasSegmentBounces() {
        Dma dma = boot(256 * M, "swiotlb=1024");
        Device dev = dma.newDevice("dev0").driver("drv").build();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(512);
            seg.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 0x1122334455667788L);
            long a = dma.mapSingle(dev, seg, DmaDirection.BIDIRECTIONAL);
            assertThat(dma.mappingError(dev, a)).isFalse();
            long start = dma.swiotlb().orElseThrow().start();
            assertThat(a).isBetween(start, start + (1024L << 11));
            assertThat(dev.memory().readU64(a).value()).isEqualTo(0x1122334455667788L);
            dev.memory().writeU32(a + 8, 0xcafef00dL);
            dma.unmapSingle(dev, a, 512, DmaDirection.BIDIRECTIONAL);
            assertThat(seg.get(ValueLayout.JAVA_INT_UNALIGNED, 8)).isEqualTo(0xcafef00d);
        }
    }

    @Test
    void anAbove4GBufferBouncesForA32BitDevice() {
        Dma dma = boot(5 * G, "cma=64M swiotlb=1024");
        assumeRamAbove4G(dma);
        Device dev64 = dma.newDevice("dev64").driver("drv").masks(-1L).build();
        Device dev32 = dma.newDevice("dev32").driver("drv").build();
        DmaBuffer high = dma.allocCoherent(dev64, 8192).orElseThrow();
        assertThat(high.phys()).isGreaterThanOrEqualTo(Mm.SZ_4G);
        high.cpu().fill((byte) 0x42);
        long a = dma.mapSingle(dev32, high.cpu(), DmaDirection.BIDIRECTIONAL);
        assertThat(dma.mappingError(dev32, a)).isFalse();
        assertThat(a).isLessThan(Mm.SZ_4G).isNotEqualTo(high.phys());
        assertThat(dev32.memory().readU8(a + 8191).value()).isEqualTo(0x42);
        dev32.memory().writeU8(a, 0x10);
        assertThat(high.cpu().get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 0x42);
        dma.syncSingleForCpu(dev32, a, 8192, DmaDirection.BIDIRECTIONAL);
        assertThat(high.cpu().get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 0x10);
        dma.unmapSingle(dev32, a, 8192, DmaDirection.BIDIRECTIONAL);
        long direct = dma.mapSingle(dev64, high.cpu(), DmaDirection.TO_DEVICE);
        assertThat(direct).isEqualTo(high.phys());
        dma.mappingError(dev64, direct);
        dma.unmapSingle(dev64, direct, 8192, DmaDirection.TO_DEVICE);
        dma.freeCoherent(dev64, 8192, high);
        assertThat(dma.debug().errorCount()).isZero();
    }

    @Test
    void exhaustingSwiotlbFailsCleanly() {
        Dma dma = boot(256 * M, "swiotlb=512");
        Device dev = dma.newDevice("dev0").driver("drv").build();
        byte[] heap = new byte[256 * 1024];
        List<Long> maps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            long a = dma.mapSingle(dev, MemorySegment.ofArray(heap), DmaDirection.TO_DEVICE);
            assertThat(dma.mappingError(dev, a)).isFalse();
            maps.add(a);
        }
        long full = dma.mapSingle(dev, MemorySegment.ofArray(new byte[2048]), DmaDirection.TO_DEVICE);
        assertThat(dma.mappingError(dev, full)).isTrue();
        assertThat(full).isEqualTo(Dma.DMA_MAPPING_ERROR);
        assertThat(dma.machine().log().lines()).contains(
                "drv dev0: swiotlb buffer is full (sz: 2048 bytes), total 512 (slots), used 512 (slots)");
        for (long a : maps) {
            dma.unmapSingle(dev, a, 256 * 1024, DmaDirection.TO_DEVICE);
        }
        assertThat(dma.swiotlb().orElseThrow().used()).isZero();
        long again = dma.mapSingle(dev, MemorySegment.ofArray(new byte[2048]), DmaDirection.TO_DEVICE);
        assertThat(dma.mappingError(dev, again)).isFalse();
        dma.unmapSingle(dev, again, 2048, DmaDirection.TO_DEVICE);
        assertThat(dma.debug().errorCount()).isZero();
    }

    @Test
    void aMappingAbove256KiBCannotBounce() {
        Dma dma = boot(256 * M, "swiotlb=1024");
        Device dev = dma.newDevice("dev0").driver("drv").build();
        long a = dma.mapSingleAttrs(dev, MemorySegment.ofArray(new byte[256 * 1024 + 1]), DmaDirection.TO_DEVICE,
                DmaAttrs.NO_WARN);
        assertThat(dma.mappingError(dev, a)).isTrue();
        assertThat(dma.swiotlb().orElseThrow().used()).isZero();
    }

    @Test
    void mapPageValidatesItsArguments() {
        Dma dma = boot(256 * M, "");
        Device dev = dma.newDevice("dev0").driver("drv").build();
        assertThatThrownBy(() -> dma.mapPage(dev, 100, 0, 0, DmaDirection.TO_DEVICE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size: 0");
        assertThatThrownBy(() -> dma.mapPage(dev, 100, 0, 16, DmaDirection.NONE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dir: NONE");
        assertThatThrownBy(() -> dma.mapPage(dev, 1L << 40, 0, 16, DmaDirection.TO_DEVICE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: RAM");
        assertThatThrownBy(() -> dma.mapSingle(dev, MemorySegment.ofArray(new byte[0]), DmaDirection.TO_DEVICE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- scatterlists

    @Test
    void fromPagesMergesPhysicallyContiguousPages() {
        Dma dma = boot(256 * M, "");
        Scatterlist sg = Scatterlist.fromPages(dma, new long[] {1000, 1001, 1002, 2000, 3000, 3001}, 100, 6 * 4096 - 200,
                1 << 20);
        assertThat(sg.nents()).isEqualTo(3);
        assertThat(sg.buffer(0).byteSize()).isEqualTo(3 * 4096 - 100);
        assertThat(sg.buffer(1).byteSize()).isEqualTo(4096);
        assertThat(sg.buffer(2).byteSize()).isEqualTo(2 * 4096 - 100);
        Scatterlist capped = Scatterlist.fromPages(dma, new long[] {1000, 1001, 1002}, 0, 3 * 4096, 8192);
        assertThat(capped.nents()).isEqualTo(2);
    }

    @Test
    void directSgMapsEachEntryAndBouncesWhatItMust() {
        Dma dma = boot(256 * M, "swiotlb=1024");
        Device dev = dma.newDevice("dev0").driver("drv").build();
        byte[] heap = new byte[1000];
        Scatterlist sg = Scatterlist.of(dma.machine().memory().segment(5000, 2), MemorySegment.ofArray(heap),
                dma.machine().memory().segment(5002, 1));
        int n = dma.mapSg(dev, sg, 3, DmaDirection.FROM_DEVICE, 0);
        assertThat(n).isEqualTo(3);
        assertThat(sg.dmaAddress(0)).isEqualTo(Mm.pfnPhys(5000));
        assertThat(sg.dmaAddress(2)).isEqualTo(Mm.pfnPhys(5002));
        assertThat(sg.dmaLength(1)).isEqualTo(1000);
        dev.memory().fill(sg.dmaAddress(1), 1000, (byte) 3);
        dma.syncSgForCpu(dev, sg, 3, DmaDirection.FROM_DEVICE);
        assertThat(heap).containsOnly((byte) 3);
        dma.unmapSg(dev, sg, 3, DmaDirection.FROM_DEVICE, 0);
        assertThat(sg.mappedNents()).isZero();
        assertThat(dma.swiotlb().orElseThrow().used()).isZero();
        assertThat(dma.debug().errorCount()).isZero();
    }

    @Test
    void sgArgumentsAreChecked() {
        Dma dma = boot(256 * M, "");
        Device dev = dma.newDevice("dev0").driver("drv").build();
        Scatterlist sg = Scatterlist.of(dma.machine().memory().segment(5000, 1));
        assertThatThrownBy(() -> dma.mapSg(dev, sg, 2, DmaDirection.TO_DEVICE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nents: 2");
        assertThat(dma.mapSg(dev, sg, 1, DmaDirection.TO_DEVICE, 0)).isEqualTo(1);
        assertThatThrownBy(() -> dma.mapSg(dev, sg, 1, DmaDirection.TO_DEVICE, 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already mapped");
        assertThatThrownBy(() -> Scatterlist.of(MemorySegment.ofArray(new byte[0])))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- IOMMU

    @Test
    void iommuSgIsOneIovaRangeMergedIntoOneSegment() {
        Dma dma = boot(256 * M, "");
        IommuDomain dom = IommuDomain.create(32);
        Device dev = dma.newDevice("gpu0").driver("gpu").iommu(dom).build();
        Scatterlist sg = Scatterlist.of(dma.machine().memory().segment(7000, 1), dma.machine().memory().segment(9000, 1),
                dma.machine().memory().segment(4000, 2));
        int n = dma.mapSg(dev, sg, 3, DmaDirection.BIDIRECTIONAL, 0);
        assertThat(n).isEqualTo(1);
        assertThat(sg.dmaLength(0)).isEqualTo(4 * 4096);
        assertThat(dom.iovaToPhys(sg.dmaAddress(0) + 4096)).isEqualTo(Mm.pfnPhys(9000));
        dma.machine().memory().segment(9000, 1).set(ValueLayout.JAVA_INT_UNALIGNED, 0, 77);
        assertThat(dev.memory().readU32(sg.dmaAddress(0) + 4096).value()).isEqualTo(77);
        long iova = sg.dmaAddress(0);
        dma.unmapSg(dev, sg, 3, DmaDirection.BIDIRECTIONAL, 0);
        assertThat(dom.mappedPages()).isZero();
        assertThat(dev.memory().readU32(iova + 4096).status()).isInstanceOf(DmaStatus.Fault.class);
    }

    @Test
    void iommuCoherentBuffersAreIovasAndSinglePagesComeApart() {
        Dma dma = boot(256 * M, "cma=16M");
        IommuDomain dom = IommuDomain.create(39);
        Device dev = dma.newDevice("gpu0").driver("gpu").iommu(dom).build();
        DmaBuffer b = dma.allocAttrs(dev, 64 * 1024, Gfp.KERNEL, DmaAttrs.ALLOC_SINGLE_PAGES).orElseThrow();
        assertThat(b.source()).isEqualTo("iommu-pages:16");
        assertThat(Long.compareUnsigned(end(b), dev.coherentDmaMask())).isLessThanOrEqualTo(0);
        assertThat(dom.iovaToPhys(b.dmaAddress())).isNotEqualTo(b.dmaAddress() == b.phys() ? -2 : -1);
        DmaBuffer c = dma.allocAttrs(dev, 4 * M, Gfp.KERNEL, DmaAttrs.FORCE_CONTIGUOUS).orElseThrow();
        assertThat(c.chunks()).hasSize(1);
        assertThat(dma.machine().defaultArea().orElseThrow().used()).isEqualTo(1024);
        c.cpu().set(ValueLayout.JAVA_LONG_UNALIGNED, 4096, 99L);
        assertThat(dev.memory().readU64(c.dmaAddress() + 4096).value()).isEqualTo(99L);
        long iova = c.dmaAddress();
        dma.freeCoherent(dev, 4 * M, c);
        assertThat(dev.memory().readU64(iova).status()).isInstanceOf(DmaStatus.Fault.class);
        dma.freeCoherent(dev, 64 * 1024, b);
        assertThat(dom.mappedPages()).isZero();
        assertThat(dom.iovaPages()).isZero();
    }

    @Test
    void iommuBuffersWithoutACpuMappingAreBuiltFromTheLargestPages() {
        Dma dma = boot(256 * M, "");
        IommuDomain dom = IommuDomain.create(32);
        Device dev = dma.newDevice("gpu0").driver("gpu").iommu(dom).build();
        DmaBuffer b = dma.allocAttrs(dev, 4 * M + 8192, Gfp.KERNEL, DmaAttrs.NO_KERNEL_MAPPING).orElseThrow();
        assertThat(b.source()).isEqualTo("iommu-pages:4");
        assertThat(b.chunks()).extracting(MemorySegment::byteSize).containsExactly(2 * M, 2 * M, 4096L, 4096L);
        assertThat(dom.mappedPages()).isEqualTo(1026);
        assertThat(dev.memory().writeU64(b.dmaAddress() + 4 * M + 4096, 1).ok()).isTrue();
        assertThat(dev.memory().readU64(b.dmaAddress() + 4 * M + 8192).ok()).isFalse();
        DmaBuffer c = dma.allocCoherent(dev, 64 * 1024).orElseThrow();
        assertThat(c.chunks()).hasSize(1);
        assertThat(c.cpu().byteSize()).isEqualTo(64 * 1024);
        dma.freeCoherent(dev, 4 * M + 8192, b);
        dma.freeCoherent(dev, 64 * 1024, c);
        assertThat(dom.mappedPages()).isZero();
        assertThat(dma.debug().errorCount()).isZero();
    }

    @Test
    void iommuSgMergingStopsAtTheMaxSegmentSizeAndAtUnalignedEnds() {
        Dma dma = boot(256 * M, "");
        Device dev = dma.newDevice("gpu0").driver("gpu").iommu(IommuDomain.create(32)).maxSegmentSize(8192).build();
        var mem = dma.machine().memory();
        Scatterlist sg = Scatterlist.of(mem.segment(7000, 1), mem.segment(9000, 1), mem.segment(4000, 1),
                mem.segment(5000, 1).asSlice(0, 100), mem.segment(6000, 1));
        int n = dma.mapSg(dev, sg, 5, DmaDirection.TO_DEVICE, 0);
        // [7000 9000] hits 8 KiB; [4000 5000:100] ; 5000 ends short of its page, so 6000 starts anew
        assertThat(n).isEqualTo(3);
        assertThat(sg.dmaLength(0)).isEqualTo(8192);
        assertThat(sg.dmaLength(1)).isEqualTo(4096 + 100);
        assertThat(sg.dmaLength(2)).isEqualTo(4096);
        dma.unmapSg(dev, sg, 5, DmaDirection.TO_DEVICE, 0);
        assertThat(dma.debug().errorCount()).isZero();
    }

    @Test
    void scatteredIommuBuffersHaveNoSingleCpuView() {
        Dma dma = boot(256 * M, "");
        Device direct = dma.newDevice("d0").driver("drv").build();
        Device dev = dma.newDevice("gpu0").driver("gpu").iommu(IommuDomain.create(32)).build();
        List<DmaBuffer> pages = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            pages.add(dma.allocCoherent(direct, 4096).orElseThrow());
        }
        for (int i = 0; i < 64; i += 2) {
            dma.freeCoherent(direct, 4096, pages.get(i));
        }
        DmaBuffer b = dma.allocAttrs(dev, 8 * 4096, Gfp.KERNEL, DmaAttrs.ALLOC_SINGLE_PAGES).orElseThrow();
        // the chunks are slices of one bank's mapping: their addresses order like physical ones
        List<Long> phys = b.chunks().stream().map(MemorySegment::address).toList();
        boolean contiguous = true;
        for (int i = 1; i < phys.size(); i++) {
            contiguous &= phys.get(i) == phys.get(i - 1) + 4096;
        }
        assertThat(contiguous).as("order-0 pages from the holes").isFalse();
        assertThatThrownBy(b::cpu).isInstanceOf(IllegalStateException.class).hasMessageContaining("discontiguous chunks");
        for (int i = 0; i < 8; i++) {
            b.chunks().get(i).set(ValueLayout.JAVA_INT_UNALIGNED, 0, i);
            assertThat(dev.memory().readU32(b.dmaAddress() + i * 4096L).value()).isEqualTo(i);
        }
        dma.freeCoherent(dev, 8 * 4096, b);
    }

    @Test
    void iommuDeviceCannotWriteOutsideWhatItWasGivenNorWriteReadOnlyMaps() {
        Dma dma = boot(256 * M, "");
        Device dev = dma.newDevice("dev0").driver("drv").iommu(IommuDomain.create(32)).build();
        MemorySegment ram = dma.machine().memory().segment(6000, 1);
        long a = dma.mapSingle(dev, ram, DmaDirection.TO_DEVICE);
        assertThat(dma.mappingError(dev, a)).isFalse();
        assertThat(dev.memory().writeU32(a, 1)).isInstanceOf(DmaStatus.Fault.class);
        assertThat(dev.memory().readU32(a).ok()).isTrue();
        DmaStatus s = dev.memory().write(a + 4096 - 2, new byte[4]);
        assertThat(s).isInstanceOf(DmaStatus.Fault.class);
        assertThat(ram.get(ValueLayout.JAVA_SHORT_UNALIGNED, 4094)).isZero();
        assertThat(dev.memory().readU8(0x7000_0000L).status()).isInstanceOf(DmaStatus.Fault.class);
        dma.unmapSingle(dev, a, 4096, DmaDirection.TO_DEVICE);
    }

    @Test
    void deviceAccessesOutsideRamAreUnassignedNeverCrashes() {
        Dma dma = boot(256 * M, "");
        Device dev = dma.newDevice("dev0").driver("drv").masks(-1L).build();
        assertThat(dev.memory().readU64(512 * M).status()).isInstanceOf(DmaStatus.Unassigned.class);
        assertThat(dev.memory().writeU64(-8, 1).ok()).isFalse();
        assertThat(dev.memory().read(256 * M - 2, new byte[4])).isInstanceOf(DmaStatus.Unassigned.class);
        Optional<DmaStatus> none = Optional.of(dev.memory().readU16(4096 * 10 + 4095).status());
        assertThat(none.get().ok()).isTrue();
    }

    /** Declares an extra CMA area during early boot, as a DT reserved-memory pool would. */
    record AreaHook(String name, long size) implements BootHook {
        @Override
        public void reserve(EarlyBoot early) {
            early.cma().declareContiguousNid(0, size, 0, 0, 0, false, name, 0);
        }
    }
}

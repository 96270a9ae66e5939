package io.jcma.dma;

import io.jcma.cma.Cma;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.boot.BootHook;
import io.jcma.cma.boot.EarlyBoot;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.MemRange;
import io.jcma.cma.boot.Platform;
import io.jcma.cma.mm.Gfp;
import io.jcma.cma.mm.MemoryBank;
import io.jcma.cma.mm.Mm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Coherent, streaming and scatterlist behaviour that every memory backing must show. Subclasses
 * name the backing ({@link #backing()}); the hugepage backing runs the same tests.
 *
 * <p>A backing may dictate the RAM layout (real hugepages lie where the host put them, usually
 * above 4 GiB, in physically contiguous runs as short as one hugepage). Tests therefore size CMA
 * areas with {@link #fit}, name RAM pages with {@link #ramPfn} and use 64-bit devices where the
 * mask is not their point; a test whose point needs what the layout lacks (RAM below 4 GiB, a
 * longer run) skips, saying what is missing. Every coherent buffer a test allocates is checked:
 * its DMA address names the RAM its CPU view shows, at the real physical address when the
 * backing knows one ({@link #checkAddresses}).
 */
abstract class DmaContractTest {
    static final long G = 1L << 30;
    static final long M = 1L << 20;

    private final List<Machine> machines = new ArrayList<>();

    /** The {@code --backing} spec the machines of this run use. */
    protected String backing() {
        return "sparse-file";
    }

    /** The DMA options of this run's machines: debug on. */
    protected DmaOptions dmaOptions() {
        return DmaOptions.defaults().withDebug(true);
    }

    /**
     * The physically contiguous RAM, in bytes, every machine on this backing is sure to have in
     * one piece; unbounded for backings that take the platform's layout.
     */
    protected long contiguousRam() {
        return Long.MAX_VALUE;
    }

    /**
     * The host page frames the CPU's view {@code cpu} is mapped to, one per page, read
     * independently of the backing (pagemap); empty when this run cannot read them.
     */
    protected Optional<long[]> hostPfns(MemorySegment cpu) {
        return Optional.empty();
    }

    @AfterEach
    void closeMachines() {
        machines.forEach(Machine::close);
        machines.clear();
    }

    Dma boot(long mem, String cmdline, BootHook... extra) {
        Platform p = Platform.builder().memory(new MemRange(0, mem, 0)).cmdline(cmdline).backing(backing()).build();
        Dma.Hook h = Dma.hook(dmaOptions());
        List<BootHook> hooks = new ArrayList<>(List.of(extra));
        hooks.add(h);
        machines.add(Machine.boot(p, hooks));
        return h.dma();
    }

    /** {@code want} bytes, or less when the backing guarantees less contiguous RAM. */
    long fit(long want) {
        return Math.min(want, contiguousRam());
    }

    /**
     * Boots like {@link #boot}, but skips the test when the backing dictates a layout that has no
     * room for what early boot had to reserve ({@code need}, {@code bytes} of contiguous RAM: a
     * CMA area longer than the runs of adjacent pages the host gave this time).
     */
    Dma bootOrSkip(String need, long bytes, long mem, String cmdline, BootHook... extra) {
        try {
            return boot(mem, cmdline, extra);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOMEM || contiguousRam() == Long.MAX_VALUE) {
                throw e;
            }
            assumeTrue(false, "needs " + need + ", " + bytes / contiguousRam() + " physically adjacent "
                    + (contiguousRam() >> 20) + " MiB pages, which the host did not give this time (" + e.getMessage() + ")");
            throw e;
        }
    }

    /** Skips a test whose point needs RAM above 4 GiB when the backing dictates a smaller layout. */
    static void assumeRamAbove4G(Dma dma) {
        assumeTrue(Mm.pfnPhys(dma.machine().memory().endPfn()) > Mm.SZ_4G + 64 * M,
                "the backing's RAM layout ends at or below 4 GiB; this test needs RAM above it");
    }

    /** Skips a test whose point needs RAM below {@code limit} (a narrow mask) when the layout has none. */
    static void assumeRamBelow(Dma dma, long limit, String why) {
        long start = Mm.pfnPhys(dma.machine().memory().startPfn());
        assumeTrue(start < limit, "the backing's RAM starts at " + Mm.pa(start) + ", above " + Mm.pa(limit - 1)
                + "; this test needs RAM below it (" + why + ")");
    }

    /**
     * The pfn of the {@code index}-th page of RAM, counting across banks: {@code index} itself when
     * RAM starts at 0 in one bank, as on a platform-sized machine.
     */
    static long ramPfn(Dma dma, long index) {
        long left = index;
        for (MemoryBank b : dma.machine().memory().banks()) {
            if (left < b.pages()) {
                return b.startPfn() + left;
            }
            left -= b.pages();
        }
        throw new IllegalArgumentException("index: " + index + " (expected: < " + dma.machine().memory().totalPages()
                + " pages of RAM)");
    }

    /** The bytes of RAM pages [index, index + count) (see {@link #ramPfn}). */
    static MemorySegment ram(Dma dma, long index, long count) {
        return dma.machine().memory().segment(ramPfn(dma, index), count);
    }

    static long end(DmaBuffer b) {
        return b.dmaAddress() + b.size() - 1;
    }

    /** dma_alloc_coherent(), with every page's address checked. */
    Optional<DmaBuffer> coherent(Dma dma, Device dev, long size) {
        Optional<DmaBuffer> b = dma.allocCoherent(dev, size);
        b.ifPresent(x -> checkAddresses(dma, x));
        return b;
    }

    /** dma_alloc_attrs(), with every page's address checked. */
    Optional<DmaBuffer> coherentAttrs(Dma dma, Device dev, long size, int gfp, long attrs) {
        Optional<DmaBuffer> b = dma.allocAttrs(dev, size, gfp, attrs);
        b.ifPresent(x -> checkAddresses(dma, x));
        return b;
    }

    /**
     * For each page of each chunk of {@code b}: the physical address its DMA address names (the bus
     * offset taken off, or through the IOMMU) is RAM whose bytes the chunk shows (a marker written
     * through the chunk is read back through the machine's RAM, then restored); when the backing
     * reports real physical addresses it is that page's; and when this run can read the host's
     * page tables, the CPU's view of the page is mapped to exactly that frame.
     */
    void checkAddresses(Dma dma, DmaBuffer b) {
        Device dev = b.device();
        var mem = dma.machine().memory();
        long dmaPage = b.dmaAddress();
        boolean cpuView = (b.attrs() & DmaAttrs.NO_KERNEL_MAPPING) == 0 && b.chunks().size() == 1;
        for (MemorySegment c : b.chunks()) {
            long pages = Mm.pfnUp(c.byteSize());
            // the driver's view: the whole page-rounded allocation seen through cpu()'s mapping
            MemorySegment chunk = cpuView ? MemorySegment.ofAddress(b.cpu().address()).reinterpret(c.byteSize())
                    : c;
            Optional<long[]> host = hostPfns(chunk);
            for (long i = 0; i < pages; i++, dmaPage += Mm.PAGE_SIZE) {
                long phys = dev.iommu().isPresent() ? dev.iommu().get().iovaToPhys(dmaPage) : dmaPage + dev.busOffset();
                long pfn = Mm.pfnDown(phys);
                assertThat(mem.isRam(pfn, 1)).as("dma %#x names RAM", dmaPage).isTrue();
                long off = Mm.pfnPhys(i);
                long was = chunk.get(ValueLayout.JAVA_LONG_UNALIGNED, off);
                long marker = ~phys ^ 0x5a5a_0000_0000_0000L;
                chunk.set(ValueLayout.JAVA_LONG_UNALIGNED, off, marker);
                assertThat(mem.segment(pfn, 1).get(ValueLayout.JAVA_LONG_UNALIGNED, 0))
                        .as("page %d of %s: the CPU view shows pfn %#x", i, b.source(), pfn).isEqualTo(marker);
                chunk.set(ValueLayout.JAVA_LONG_UNALIGNED, off, was);
                long real = mem.hostPhysicalAddress(pfn);
                if (real != -1) {
                    assertThat(real).as("backing's physical address of pfn %#x", pfn).isEqualTo(Mm.pfnPhys(pfn));
                }
                if (host.isPresent()) {
                    assertThat(host.get()[(int) i]).as("host pfn of page %d of %s at dma %#x", i, b.source(), dmaPage)
                            .isEqualTo(pfn);
                }
            }
        }
    }

    // ---------------------------------------------------------------- routing

    @Test
    void deviceAreaServesEverySizeAndNeverFallsBackToAnotherArea() {
        long area = fit(8 * M);
        long half = area / 2;
        Dma dma = boot(512 * M, "cma=" + (fit(16 * M) >> 20) + "M", new AreaHook("gpu-pool", area));
        Cma own = dma.machine().cma().byName("gpu-pool").orElseThrow();
        Cma def = dma.machine().defaultArea().orElseThrow();
        Device dev = dma.newDevice("gpu0").driver("gpu").cmaArea(own).masks(-1L).build();
        DmaBuffer one = coherent(dma, dev, 4096).orElseThrow();
        assertThat(one.source()).as("a device area serves single pages too").isEqualTo("cma:gpu-pool");
        assertThat(own.used()).isEqualTo(1);
        DmaBuffer rest = coherent(dma, dev, half).orElseThrow();
        assertThat(rest.source()).isEqualTo("cma:gpu-pool");
        // 8 MiB cannot fit any more: the default area (16 MiB where the layout allows) is never
        // asked, and 8 MiB is beyond MAX_PAGE_ORDER so the page allocator cannot serve it either
        assertThat(coherentAttrs(dma, dev, 8 * M, Gfp.KERNEL, DmaAttrs.NO_WARN)).isEmpty();
        assertThat(def.used()).isZero();
        // what the page allocator can serve comes from it, as __dma_direct_alloc_pages falls
        // back, though the default area has room for it
        assertThat(def.availableCount()).isGreaterThanOrEqualTo(Mm.pfnDown(half));
        DmaBuffer fromPages = coherentAttrs(dma, dev, half, Gfp.KERNEL, DmaAttrs.NO_WARN).orElseThrow();
        assertThat(fromPages.source()).isEqualTo("pages:order=" + Long.numberOfTrailingZeros(Mm.pfnDown(half)));
        assertThat(def.used()).isZero();
        dma.freeCoherent(dev, 4096, one);
        dma.freeCoherent(dev, half, rest);
        dma.freeCoherent(dev, half, fromPages);
        assertThat(own.used()).isZero();
        assertThat(dma.debug().errorCount()).isZero();
    }

    @Test
    void singlePagesSkipCmaAndLargerOnesUseTheDefaultArea() {
        Dma dma = boot(512 * M, "cma=" + (fit(16 * M) >> 20) + "M");
        Cma def = dma.machine().defaultArea().orElseThrow();
        Device dev = dma.newDevice("dev0").driver("drv").masks(-1L).build();
        DmaBuffer page = coherent(dma, dev, 100).orElseThrow();
        assertThat(page.source()).isEqualTo("pages:order=0");
        assertThat(def.used()).isZero();
        DmaBuffer two = coherent(dma, dev, 4097).orElseThrow();
        assertThat(two.source()).isEqualTo("cma:reserved");
        assertThat(def.used()).isEqualTo(2);
        dma.freeCoherent(dev, 100, page);
        dma.freeCoherent(dev, 4097, two);
    }

    @Test
    void cmaAlignmentIsTheOrder() {
        Dma dma = boot(512 * M, "", new AreaHook("pool", fit(8 * M)));
        Cma own = dma.machine().cma().byName("pool").orElseThrow();
        Device dev = dma.newDevice("dev0").driver("drv").cmaArea(own).masks(-1L).build();
        DmaBuffer three = coherent(dma, dev, 3 * 4096).orElseThrow();
        DmaBuffer one = coherent(dma, dev, 4096).orElseThrow();
        DmaBuffer half = coherent(dma, dev, M).orElseThrow();
        assertThat(Mm.pfnDown(three.phys()) - own.basePfn()).isZero();
        // order 0: the next free page; order 2 would have skipped to page 4
        assertThat(Mm.pfnDown(one.phys()) - own.basePfn()).isEqualTo(3);
        assertThat(Mm.pfnDown(half.phys()) - own.basePfn()).as("order 8: aligned to 256 pages").isEqualTo(256);
        DmaBuffer four = coherent(dma, dev, 4 * 4096).orElseThrow();
        assertThat(Mm.pfnDown(four.phys()) - own.basePfn()).as("order 2: aligned to 4 pages").isEqualTo(4);
    }

    @Test
    void cmaAlignmentIsCappedAtEight() {
        // an order-9 buffer at page 256 ends at page 767: the area needs two pageblocks
        Dma dma = bootOrSkip("a 4 MiB CMA area", 4 * M, 512 * M, "", new AreaHook("pool", 4 * M));
        Cma own = dma.machine().cma().byName("pool").orElseThrow();
        Device dev = dma.newDevice("dev0").driver("drv").cmaArea(own).masks(-1L).build();
        DmaBuffer one = coherent(dma, dev, 4096).orElseThrow();
        DmaBuffer big = coherent(dma, dev, 2 * M).orElseThrow();
        assertThat(Mm.pfnDown(one.phys()) - own.basePfn()).isZero();
        // order 9 capped at CONFIG_CMA_ALIGNMENT 8: page 256, not 512
        assertThat(Mm.pfnDown(big.phys()) - own.basePfn()).isEqualTo(256);
    }

    @Test
    void numaDeviceUsesItsNodesAreasPernumaFirst() {
        long area = fit(4 * M);
        Dma dma = boot(512 * M, "cma=" + (fit(16 * M) >> 20) + "M", new AreaHook("pernuma0", area),
                new AreaHook("numa0", area));
        Device dev = dma.newDevice("nic0").driver("nic").numaNode(0).masks(-1L).build();
        DmaBuffer a = coherent(dma, dev, area).orElseThrow();
        DmaBuffer b = coherent(dma, dev, 8192).orElseThrow();
        DmaBuffer c = coherent(dma, dev, 8192).orElseThrow();
        assertThat(a.source()).isEqualTo("cma:pernuma0");
        assertThat(b.source()).isEqualTo("cma:numa0");
        assertThat(c.source()).isEqualTo("cma:numa0");
    }

    @Test
    void a32BitNumaDeviceSkipsThePerNodeAreas() {
        Dma dma = boot(512 * M, "cma=" + (fit(16 * M) >> 20) + "M", new AreaHook("pernuma0", fit(4 * M)),
                new AreaHook("numa0", fit(4 * M)));
        assumeRamBelow(dma, Mm.SZ_4G, "a 32-bit coherent mask");
        // a 32-bit coherent mask means GFP_DMA32, which skips the per-node areas
        Device narrow = dma.newDevice("nic1").driver("nic").numaNode(0).build();
        DmaBuffer d = coherent(dma, narrow, 8192).orElseThrow();
        assertThat(d.source()).isEqualTo("cma:reserved");
    }

    @Test
    void a32BitCoherentMaskNeverGetsMemoryAtOrAbove4G() {
        // on x86 the default area sits at the end of RAM: above 4 GiB on a 5 GiB machine
        Dma dma = boot(5 * G, "cma=" + (fit(64 * M) >> 20) + "M");
        assumeRamAbove4G(dma);
        assumeRamBelow(dma, Mm.SZ_4G, "a 32-bit coherent mask");
        Cma def = dma.machine().defaultArea().orElseThrow();
        assertThat(def.base()).isGreaterThanOrEqualTo(Mm.SZ_4G);
        Device dev = dma.newDevice("dev32").driver("drv").build();
        List<DmaBuffer> bufs = new ArrayList<>();
        for (long size : new long[] {4096, 8192, 64 * 1024, M, fit(4 * M)}) {
            DmaBuffer b = coherent(dma, dev, size).orElseThrow();
            assertThat(Long.compareUnsigned(end(b), 0xffff_ffffL)).isLessThanOrEqualTo(0);
            assertThat(b.source()).startsWith("pages:");
            bufs.add(b);
        }
        assertThat(def.used()).as("CMA pages above the mask went back").isZero();
        Device dev64 = dma.newDevice("dev64").driver("drv").masks(-1L).build();
        DmaBuffer high = coherent(dma, dev64, M).orElseThrow();
        assertThat(high.source()).isEqualTo("cma:reserved");
        assertThat(high.dmaAddress()).isGreaterThanOrEqualTo(Mm.SZ_4G);
    }

    @Test
    void aMaskWithinZoneDmaGetsZoneDmaPages() {
        Dma dma = boot(512 * M, "");
        assumeRamBelow(dma, 16 * M, "ZONE_DMA, for a 24-bit mask");
        Device isa = dma.newDevice("isa0").driver("floppy").masks(0xff_ffffL).build();
        DmaBuffer b = coherent(dma, isa, 64 * 1024).orElseThrow();
        assertThat(end(b)).isLessThanOrEqualTo(0xff_ffffL);
    }

    @Test
    void aMaskNothingCanSatisfyFailsCleanly() {
        Dma dma = boot(512 * M, "cma=" + (fit(16 * M) >> 20) + "M");
        Device dev = dma.newDevice("dev0").driver("drv").build();
        assertThatThrownBy(() -> dma.setCoherentMask(dev, 0xf_ffffL))
                .isInstanceOf(ErrnoException.class)
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EIO))
                .hasMessageContaining("mask=0xfffff");
        assertThat(dev.coherentDmaMask()).isEqualTo(0xffff_ffffL);
        // a 24-bit device asking for more than ZONE_DMA holds: NULL, nothing leaked
        Device isa = dma.newDevice("isa0").driver("floppy").masks(0xff_ffffL).build();
        long free = dma.machine().pageAllocator().freePages();
        assertThat(coherentAttrs(dma, isa, 32 * M, Gfp.KERNEL, DmaAttrs.NO_WARN)).isEmpty();
        assertThat(dma.machine().pageAllocator().freePages()).isEqualTo(free);
        assertThat(dma.machine().defaultArea().orElseThrow().used()).isZero();
    }

    @Test
    void theFallbackPathIsTakenWhenCmaIsFull() {
        long area = fit(8 * M);
        Dma dma = boot(512 * M, "cma=" + (area >> 20) + "M");
        Cma def = dma.machine().defaultArea().orElseThrow();
        Device dev = dma.newDevice("dev0").driver("drv").masks(-1L).build();
        DmaBuffer fill = coherent(dma, dev, area).orElseThrow();
        assertThat(def.availableCount()).isZero();
        DmaBuffer b = coherentAttrs(dma, dev, 2 * M, Gfp.KERNEL, DmaAttrs.NO_WARN).orElseThrow();
        assertThat(b.source()).isEqualTo("pages:order=9");
        // beyond MAX_PAGE_ORDER only CMA could have served it
        assertThat(coherentAttrs(dma, dev, 8 * M, Gfp.KERNEL, DmaAttrs.NO_WARN)).isEmpty();
        dma.freeCoherent(dev, area, fill);
        assertThat(coherent(dma, dev, area)).isPresent();
    }

    @Test
    void noWarnSilencesTheCmaFailureLog() {
        long area = fit(4 * M);
        Dma dma = boot(512 * M, "cma=" + (area >> 20) + "M");
        Device dev = dma.newDevice("dev0").driver("drv").masks(-1L).build();
        coherent(dma, dev, area).orElseThrow();
        int before = dma.machine().log().lines().size();
        coherentAttrs(dma, dev, 2 * M, Gfp.KERNEL, DmaAttrs.NO_WARN).orElseThrow();
        assertThat(dma.machine().log().lines().subList(before, dma.machine().log().lines().size()))
                .noneMatch(l -> l.contains("alloc failed"));
        coherent(dma, dev, 2 * M).orElseThrow();
        assertThat(dma.machine().log().lines()).anyMatch(l -> l.contains("reserved: alloc failed, req-size: 512 pages"));
    }

    @Test
    void memoryIsZeroedAndNoKernelMappingIsNot() {
        Dma dma = boot(512 * M, "cma=" + (fit(8 * M) >> 20) + "M");
        Device dev = dma.newDevice("dev0").driver("drv").masks(-1L).build();
        DmaBuffer a = coherent(dma, dev, 64 * 1024).orElseThrow();
        a.cpu().fill((byte) 0x5a);
        long phys = a.phys();
        dma.freeCoherent(dev, 64 * 1024, a);
        DmaBuffer b = coherent(dma, dev, 64 * 1024).orElseThrow();
        assertThat(b.phys()).isEqualTo(phys);
        assertThat(b.cpu().toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0);
        b.cpu().fill((byte) 0x33);
        dma.freeCoherent(dev, 64 * 1024, b);
        DmaBuffer c = coherentAttrs(dma, dev, 64 * 1024, Gfp.KERNEL, DmaAttrs.NO_KERNEL_MAPPING).orElseThrow();
        assertThat(c.phys()).isEqualTo(phys);
        assertThatThrownBy(c::cpu).isInstanceOf(IllegalStateException.class).hasMessageContaining("NO_KERNEL_MAPPING");
        assertThat(dev.memory().readU8(c.dmaAddress()).value()).isEqualTo(0x33);
    }

    @Test
    void sizeMustBePositive() {
        Dma dma = boot(256 * M, "");
        Device dev = dma.newDevice("dev0").driver("drv").masks(-1L).build();
        assertThatThrownBy(() -> coherent(dma, dev, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size: 0");
    }

    @Test
    void busOffsetShiftsDmaAddressesAndDeviceView() {
        Dma dma = boot(512 * M, "cma=" + (fit(16 * M) >> 20) + "M");
        Device dev = dma.newDevice("soc0").driver("drv").busOffset(0x100_0000L).masks(-1L).build();
        DmaBuffer b = coherent(dma, dev, 8192).orElseThrow();
        assertThat(b.dmaAddress()).isEqualTo(b.phys() - 0x100_0000L);
        b.cpu().set(ValueLayout.JAVA_INT_UNALIGNED, 0, 0x1234_5678);
        assertThat(dev.memory().readU32(b.dmaAddress()).value()).isEqualTo(0x1234_5678L);
    }

    // ---------------------------------------------------------------- streaming

    @Test
    void ramTheDeviceReachesIsMappedInPlace() {
        Dma dma = boot(512 * M, "swiotlb=1024");
        Device dev = dma.newDevice("dev0").driver("drv").masks(-1L).build();
        DmaBuffer b = coherent(dma, dev, 8192).orElseThrow();
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
        Device dev = dma.newDevice("dev0").driver("drv").masks(-1L).build();
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
        Device dev = dma.newDevice("dev0").driver("drv").masks(-1L).build();
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
        Device dev = dma.newDevice("dev0").driver("drv").masks(-1L).build();
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
        Dma dma = boot(5 * G, "cma=" + (fit(64 * M) >> 20) + "M swiotlb=1024");
        assumeRamAbove4G(dma);
        assumeRamBelow(dma, Mm.SZ_4G, "a bounce slot a 32-bit device reaches");
        long poolEnd = dma.swiotlb().orElseThrow().start() + (1024L << 11);
        if (dmaOptions().swiotlbAny()) {
            assumeTrue(poolEnd <= Mm.SZ_4G, "the bounce pool (SWIOTLB_ANY) lies at "
                    + Mm.pa(dma.swiotlb().orElseThrow().start()) + ", above what a 32-bit device reaches");
        } else {
            assertThat(poolEnd).as("memblock_alloc_low").isLessThanOrEqualTo(Mm.SZ_4G);
        }
        Device dev64 = dma.newDevice("dev64").driver("drv").masks(-1L).build();
        Device dev32 = dma.newDevice("dev32").driver("drv").build();
        DmaBuffer high = coherent(dma, dev64, 8192).orElseThrow();
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
        // streaming-mapping a live coherent buffer for a device that writes overlaps its entry's
        // first cacheline, which DMA-API debug reports as the kernel's add_dma_entry() does
        assertThat(dma.debug().errors()).extracting(DmaDebugError::message)
                .containsExactly("cacheline tracking EEXIST, overlapping mappings aren't supported");
    }

    @Test
    void exhaustingSwiotlbFailsCleanly() {
        Dma dma = boot(256 * M, "swiotlb=512");
        Device dev = dma.newDevice("dev0").driver("drv").masks(-1L).build();
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
        Device dev = dma.newDevice("dev0").driver("drv").masks(-1L).build();
        long a = dma.mapSingleAttrs(dev, MemorySegment.ofArray(new byte[256 * 1024 + 1]), DmaDirection.TO_DEVICE,
                DmaAttrs.NO_WARN);
        assertThat(dma.mappingError(dev, a)).isTrue();
        assertThat(dma.swiotlb().orElseThrow().used()).isZero();
    }

    @Test
    void mapPageValidatesItsArguments() {
        Dma dma = boot(256 * M, "");
        Device dev = dma.newDevice("dev0").driver("drv").masks(-1L).build();
        long pfn = ramPfn(dma, 100);
        assertThatThrownBy(() -> dma.mapPage(dev, pfn, 0, 0, DmaDirection.TO_DEVICE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size: 0");
        assertThatThrownBy(() -> dma.mapPage(dev, pfn, 0, 16, DmaDirection.NONE, 0))
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
        long[] pfns = LongStream.of(1000, 1001, 1002, 2000, 3000, 3001).map(i -> ramPfn(dma, i)).toArray();
        Scatterlist sg = Scatterlist.fromPages(dma, pfns, 100, 6 * 4096 - 200, 1 << 20);
        assertThat(sg.nents()).isEqualTo(3);
        assertThat(sg.buffer(0).byteSize()).isEqualTo(3 * 4096 - 100);
        assertThat(sg.buffer(1).byteSize()).isEqualTo(4096);
        assertThat(sg.buffer(2).byteSize()).isEqualTo(2 * 4096 - 100);
        Scatterlist capped = Scatterlist.fromPages(dma, Arrays.copyOf(pfns, 3), 0, 3 * 4096, 8192);
        assertThat(capped.nents()).isEqualTo(2);
    }

    @Test
    void directSgMapsEachEntryAndBouncesWhatItMust() {
        Dma dma = boot(256 * M, "swiotlb=1024");
        Device dev = dma.newDevice("dev0").driver("drv").masks(-1L).build();
        byte[] heap = new byte[1000];
        Scatterlist sg = Scatterlist.of(ram(dma, 5000, 2), MemorySegment.ofArray(heap),
                ram(dma, 5002, 1));
        int n = dma.mapSg(dev, sg, 3, DmaDirection.FROM_DEVICE, 0);
        assertThat(n).isEqualTo(3);
        assertThat(sg.dmaAddress(0)).isEqualTo(Mm.pfnPhys(ramPfn(dma, 5000)));
        assertThat(sg.dmaAddress(2)).isEqualTo(Mm.pfnPhys(ramPfn(dma, 5002)));
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
        Device dev = dma.newDevice("dev0").driver("drv").masks(-1L).build();
        Scatterlist sg = Scatterlist.of(ram(dma, 5000, 1));
        assertThatThrownBy(() -> dma.mapSg(dev, sg, 2, DmaDirection.TO_DEVICE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nents: 2");
        assertThat(dma.mapSg(dev, sg, 1, DmaDirection.TO_DEVICE, 0)).isEqualTo(1);
        assertThatThrownBy(() -> dma.mapSg(dev, sg, 1, DmaDirection.TO_DEVICE, 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already mapped");
        // an empty entry that must bounce: swiotlb would hit the kernel's BUG_ON(!nslots); with
        // no pool, swiotlb_tbl_map_single() fails before it looks at the size
        Scatterlist empty = Scatterlist.of(MemorySegment.ofArray(new byte[0]));
        if (dma.swiotlb().isPresent()) {
            assertThatThrownBy(() -> dma.mapSg(dev, empty, 1, DmaDirection.TO_DEVICE, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size: 0");
        } else {
            assertThat(dma.mapSg(dev, empty, 1, DmaDirection.TO_DEVICE, 0)).isZero();
        }
    }

    // ---------------------------------------------------------------- IOMMU

    @Test
    void iommuSgIsOneIovaRangeMergedIntoOneSegment() {
        Dma dma = boot(256 * M, "");
        IommuDomain dom = IommuDomain.create(32);
        Device dev = dma.newDevice("gpu0").driver("gpu").iommu(dom).build();
        Scatterlist sg = Scatterlist.of(ram(dma, 7000, 1), ram(dma, 9000, 1),
                ram(dma, 4000, 2));
        int n = dma.mapSg(dev, sg, 3, DmaDirection.BIDIRECTIONAL, 0);
        assertThat(n).isEqualTo(1);
        assertThat(sg.dmaLength(0)).isEqualTo(4 * 4096);
        assertThat(dom.iovaToPhys(sg.dmaAddress(0) + 4096)).isEqualTo(Mm.pfnPhys(ramPfn(dma, 9000)));
        ram(dma, 9000, 1).set(ValueLayout.JAVA_INT_UNALIGNED, 0, 77);
        assertThat(dev.memory().readU32(sg.dmaAddress(0) + 4096).value()).isEqualTo(77);
        long iova = sg.dmaAddress(0);
        dma.unmapSg(dev, sg, 3, DmaDirection.BIDIRECTIONAL, 0);
        assertThat(dom.mappedPages()).isZero();
        assertThat(dev.memory().readU32(iova + 4096).status()).isInstanceOf(DmaStatus.Fault.class);
    }

    @Test
    void iommuCoherentBuffersAreIovasAndSinglePagesComeApart() {
        long contiguous = fit(4 * M);
        Dma dma = boot(256 * M, "cma=" + (fit(16 * M) >> 20) + "M");
        IommuDomain dom = IommuDomain.create(39);
        Device dev = dma.newDevice("gpu0").driver("gpu").iommu(dom).build();
        DmaBuffer b = coherentAttrs(dma, dev, 64 * 1024, Gfp.KERNEL, DmaAttrs.ALLOC_SINGLE_PAGES).orElseThrow();
        assertThat(b.source()).isEqualTo("iommu-pages:16");
        assertThat(Long.compareUnsigned(end(b), dev.coherentDmaMask())).isLessThanOrEqualTo(0);
        assertThat(dom.iovaToPhys(b.dmaAddress())).isNotEqualTo(b.dmaAddress() == b.phys() ? -2 : -1);
        DmaBuffer c = coherentAttrs(dma, dev, contiguous, Gfp.KERNEL, DmaAttrs.FORCE_CONTIGUOUS).orElseThrow();
        assertThat(c.chunks()).hasSize(1);
        assertThat(dma.machine().defaultArea().orElseThrow().used()).isEqualTo(Mm.pfnDown(contiguous));
        c.cpu().set(ValueLayout.JAVA_LONG_UNALIGNED, 4096, 99L);
        assertThat(dev.memory().readU64(c.dmaAddress() + 4096).value()).isEqualTo(99L);
        long iova = c.dmaAddress();
        dma.freeCoherent(dev, contiguous, c);
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
        DmaBuffer b = coherentAttrs(dma, dev, 4 * M + 8192, Gfp.KERNEL, DmaAttrs.NO_KERNEL_MAPPING).orElseThrow();
        assertThat(b.source()).isEqualTo("iommu-pages:4");
        assertThat(b.chunks()).extracting(MemorySegment::byteSize).containsExactly(2 * M, 2 * M, 4096L, 4096L);
        assertThat(dom.mappedPages()).isEqualTo(1026);
        assertThat(dev.memory().writeU64(b.dmaAddress() + 4 * M + 4096, 1).ok()).isTrue();
        assertThat(dev.memory().readU64(b.dmaAddress() + 4 * M + 8192).ok()).isFalse();
        // iommu_dma_alloc_remap(): 16 pages of order 0 (order 9 is more than is left), no CMA
        DmaBuffer c = coherent(dma, dev, 64 * 1024).orElseThrow();
        assertThat(c.source()).isEqualTo("iommu-pages:16");
        assertThat(c.chunks()).hasSize(16);
        if (oneCpuView(dma, c)) {
            assertThat(c.cpu().byteSize()).isEqualTo(64 * 1024);
        }
        dma.freeCoherent(dev, 4 * M + 8192, b);
        dma.freeCoherent(dev, 64 * 1024, c);
        assertThat(dom.mappedPages()).isZero();
        assertThat(dma.debug().errorCount()).isZero();
    }

    @Test
    void iommuSgMergingStopsAtTheMaxSegmentSizeAndAtUnalignedEnds() {
        Dma dma = boot(256 * M, "");
        Device dev = dma.newDevice("gpu0").driver("gpu").iommu(IommuDomain.create(32)).maxSegmentSize(8192).build();
        Scatterlist sg = Scatterlist.of(ram(dma, 7000, 1), ram(dma, 9000, 1), ram(dma, 4000, 1),
                ram(dma, 5000, 1).asSlice(0, 100), ram(dma, 6000, 1));
        int n = dma.mapSg(dev, sg, 5, DmaDirection.TO_DEVICE, 0);
        // [7000 9000] hits 8 KiB; [4000 5000:100] ; 5000 ends short of its page, so 6000 starts anew
        assertThat(n).isEqualTo(3);
        assertThat(sg.dmaLength(0)).isEqualTo(8192);
        assertThat(sg.dmaLength(1)).isEqualTo(4096 + 100);
        assertThat(sg.dmaLength(2)).isEqualTo(4096);
        dma.unmapSg(dev, sg, 5, DmaDirection.TO_DEVICE, 0);
        assertThat(dma.debug().errorCount()).isZero();
    }

    /** Whether a buffer's chunks make one CPU view: slices of one bank that follow each other, or a vmap. */
    static boolean oneCpuView(Dma dma, DmaBuffer b) {
        if (dma.machine().memory().backing().canVmap()) {
            return true;
        }
        for (int i = 1; i < b.chunks().size(); i++) {
            MemorySegment prev = b.chunks().get(i - 1);
            if (b.chunks().get(i).address() != prev.address() + prev.byteSize()) {
                return false;
            }
        }
        return true;
    }

    @Test
    void aCoherentIommuBufferTakesNoCmaPagesWithoutForceContiguous() {
        Dma dma = boot(256 * M, "cma=" + (fit(16 * M) >> 20) + "M");
        Device dev = dma.newDevice("gpu0").driver("gpu").iommu(IommuDomain.create(32)).build();
        DmaBuffer b = coherent(dma, dev, M).orElseThrow();
        // 6.12's iommu_dma_alloc() goes to iommu_dma_alloc_remap(): buddy pages only
        assertThat(dma.machine().defaultArea().orElseThrow().used()).isZero();
        assertThat(b.source()).isEqualTo("iommu-pages:256");
        if (oneCpuView(dma, b)) {
            b.cpu().set(ValueLayout.JAVA_LONG_UNALIGNED, M - 8, 0x5a5aL);
            assertThat(dev.memory().readU64(b.dmaAddress() + M - 8).value()).isEqualTo(0x5a5aL);
        }
        DmaBuffer f = coherentAttrs(dma, dev, M, Gfp.KERNEL, DmaAttrs.FORCE_CONTIGUOUS).orElseThrow();
        assertThat(dma.machine().defaultArea().orElseThrow().used()).isEqualTo(256);
        dma.freeCoherent(dev, M, f);
        dma.freeCoherent(dev, M, b);
        assertThat(dma.debug().errorCount()).isZero();
    }

    @Test
    void scatteredIommuBuffersAreOneVmapWhereTheBackingCanVmap() {
        Dma dma = boot(256 * M, "");
        Device direct = dma.newDevice("d0").driver("drv").masks(-1L).build();
        Device dev = dma.newDevice("gpu0").driver("gpu").iommu(IommuDomain.create(32)).build();
        List<DmaBuffer> pages = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            pages.add(coherent(dma, direct, 4096).orElseThrow());
        }
        for (int i = 0; i < 64; i += 2) {
            dma.freeCoherent(direct, 4096, pages.get(i));
        }
        DmaBuffer b = coherentAttrs(dma, dev, 8 * 4096, Gfp.KERNEL, DmaAttrs.ALLOC_SINGLE_PAGES).orElseThrow();
        // the chunks are slices of one bank's mapping: their addresses order like physical ones
        List<Long> phys = b.chunks().stream().map(MemorySegment::address).toList();
        boolean contiguous = true;
        for (int i = 1; i < phys.size(); i++) {
            contiguous &= phys.get(i) == phys.get(i - 1) + 4096;
        }
        assertThat(contiguous).as("order-0 pages from the holes").isFalse();
        if (dma.machine().memory().backing().canVmap()) {
            // dma_common_pages_remap(): page i of the one view is chunk i
            assertThat(b.cpu().byteSize()).isEqualTo(8 * 4096);
            for (int i = 0; i < 8; i++) {
                b.cpu().set(ValueLayout.JAVA_INT_UNALIGNED, i * 4096L + 4, 100 + i);
                assertThat(b.chunks().get(i).get(ValueLayout.JAVA_INT_UNALIGNED, 4)).isEqualTo(100 + i);
                assertThat(dev.memory().readU32(b.dmaAddress() + i * 4096L + 4).value()).isEqualTo(100 + i);
            }
        } else {
            assertThatThrownBy(b::cpu).isInstanceOf(IllegalStateException.class).hasMessageContaining("discontiguous chunks");
        }
        for (int i = 0; i < 8; i++) {
            b.chunks().get(i).set(ValueLayout.JAVA_INT_UNALIGNED, 0, i);
            assertThat(dev.memory().readU32(b.dmaAddress() + i * 4096L).value()).isEqualTo(i);
        }
        MemorySegment view = dma.machine().memory().backing().canVmap() ? b.cpu() : null;
        dma.freeCoherent(dev, 8 * 4096, b);
        if (view != null) {
            assertThatThrownBy(() -> view.get(ValueLayout.JAVA_INT_UNALIGNED, 0)).as("the vmap is gone with the buffer")
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void iommuDeviceCannotWriteOutsideWhatItWasGivenNorWriteReadOnlyMaps() {
        Dma dma = boot(256 * M, "");
        Device dev = dma.newDevice("dev0").driver("drv").iommu(IommuDomain.create(32)).build();
        MemorySegment ram = ram(dma, 6000, 1);
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
        long ramEnd = Mm.pfnPhys(dma.machine().memory().endPfn());
        assertThat(dev.memory().readU64(ramEnd + 256 * M).status()).isInstanceOf(DmaStatus.Unassigned.class);
        assertThat(dev.memory().writeU64(-8, 1).ok()).isFalse();
        assertThat(dev.memory().read(ramEnd - 2, new byte[4])).isInstanceOf(DmaStatus.Unassigned.class);
        Optional<DmaStatus> none = Optional.of(dev.memory().readU16(Mm.pfnPhys(ramPfn(dma, 10)) + 4095).status());
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

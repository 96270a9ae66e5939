package io.jcma.dma;

import io.jcma.cma.Cma;
import io.jcma.cma.CmaAllocation;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import io.jcma.cma.mm.Mm;
import io.jcma.shim.HugepageSize;
import io.jcma.shim.Hugepages;
import io.jcma.shim.Pagemap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The DMA API on real hugepages: every DMA address a device is given is the real physical
 * address of the CPU's view, checked page by page through /proc/self/pagemap. Needs root (for
 * PFNs) and 32 free 2 MiB hugepages; CI reserves 64.
 */
class HugepageDmaTest {
    static final int PAGES = 32;
    static final String SPEC = "hugepages:2M:" + PAGES;
    private Machine machine;
    private Dma dma;
    private Pagemap pagemap;

    @BeforeEach
    void boot() {
        long free = Hugepages.system().supports(HugepageSize.SIZE_2M)
                ? Hugepages.system().pool(HugepageSize.SIZE_2M).available() : 0;
        assumeTrue(free >= PAGES, "needs " + PAGES + " free 2 MiB hugepages, " + free
                + " available (as root: echo 64 > /proc/sys/vm/nr_hugepages)");
        pagemap = Pagemap.openSelf();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment probe = a.allocate(4096, 4096);
            probe.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            pagemap.translate(probe);
        } catch (ErrnoException e) {
            pagemap.close();
            assumeTrue(false, e.getMessage());
        }
        // One 2 MiB hugepage is always physically contiguous; four adjacent ones only sometimes.
        for (String cma : new String[] {"cma=8M", "cma=4M", "cma=2M"}) {
            Dma.Hook h = Dma.hook(DmaOptions.defaults().withDebug(true));
            Machine m = Machine.boot(Platform.builder().mem(64 * Mm.SZ_1M).cmdline(cma).backing(SPEC).build(),
                    List.of(h));
            if (m.defaultArea().isPresent()) {
                machine = m;
                dma = h.dma();
                return;
            }
            m.close();
        }
        throw new AssertionError("no CMA area fit even one hugepage");
    }

    @AfterEach
    void close() {
        if (machine != null) {
            machine.close();
        }
        if (pagemap != null) {
            pagemap.close();
        }
    }

    /**
     * A 64-bit device: the host's hugepages usually lie above 4 GiB, where a device with the
     * default 32-bit mask cannot reach (it would bounce through swiotlb, which needs RAM below).
     */
    private Device device() {
        Device dev = dma.newDevice("dev0").driver("drv").build();
        dma.setMaskAndCoherent(dev, Dma.bitMask(64));
        return dev;
    }

    /** Every page of {@code cpu} sits at {@code dma + i * PAGE_SIZE} in real physical memory. */
    private void assertRealPhysical(MemorySegment cpu, long dmaAddress) {
        long[] pfns = pagemap.translate(cpu);
        assertThat(pfns).hasSize((int) (cpu.byteSize() / Mm.PAGE_SIZE));
        for (int i = 0; i < pfns.length; i++) {
            assertThat(Mm.pfnPhys(pfns[i])).as("page %d at dma %#x", i, dmaAddress).isEqualTo(dmaAddress + Mm.pfnPhys(i));
        }
    }

    @Test
    void coherentBuffersAreRealPhysicalMemory() {
        Device dev = device();
        Cma area = machine.defaultArea().orElseThrow();
        for (long size : new long[] {4096, 16 * 4096, 64 * 4096, 256 * 4096}) {
            DmaBuffer b = dma.allocCoherent(dev, size).orElseThrow();
            assertThat(b.cpu().byteSize()).isEqualTo(size);
            assertThat(b.cpu().toArray(ValueLayout.JAVA_BYTE)).as("zeroed").containsOnly((byte) 0);
            assertRealPhysical(b.cpu(), b.dmaAddress());
            b.cpu().fill((byte) 0x5a);
            assertThat(dev.memory().readU8(b.dmaAddress() + size - 1).value()).isEqualTo(0x5a);
            if (size > 4096) {
                assertThat(b.source()).isEqualTo("cma:" + area.name());
            }
            dma.freeCoherent(dev, size, b);
        }
        assertThat(dma.debug().errorCount()).isZero();
    }

    @Test
    void streamingMappingsOfRamAreRealPhysicalAddresses() {
        Device dev = device();
        CmaAllocation a = machine.defaultArea().orElseThrow().alloc(8, 0, false).orElseThrow();
        MemorySegment buf = a.segment().asSlice(4096, 3 * 4096);
        long addr = dma.mapSingle(dev, buf, DmaDirection.BIDIRECTIONAL);
        assertThat(dma.mappingError(dev, addr)).isFalse();
        assertRealPhysical(buf, addr);
        dma.unmapSingle(dev, addr, buf.byteSize(), DmaDirection.BIDIRECTIONAL);
        machine.defaultArea().orElseThrow().release(a);
        assertThat(dma.debug().errorCount()).isZero();
    }

    @Test
    void scatterlistEntriesAreRealPhysicalAddresses() {
        Device dev = device();
        Cma area = machine.defaultArea().orElseThrow();
        CmaAllocation a = area.alloc(2, 0, false).orElseThrow();
        CmaAllocation b = area.alloc(3, 0, false).orElseThrow();
        Scatterlist sg = Scatterlist.of(a.segment(), b.segment());
        int n = dma.mapSg(dev, sg, 2, DmaDirection.TO_DEVICE, 0);
        assertThat(n).isBetween(1, 2);
        long covered = 0;
        for (int i = 0; i < n; i++) {
            covered += sg.dmaLength(i);
        }
        assertThat(covered).isEqualTo(5 * 4096);
        // entry 0 starts at a's real address; whatever was merged, each page is where pagemap says
        assertRealPhysical(a.segment(), sg.dmaAddress(0));
        long bAddr = n == 2 ? sg.dmaAddress(1) : sg.dmaAddress(0) + a.size();
        assertRealPhysical(b.segment(), bAddr);
        dma.unmapSg(dev, sg, 2, DmaDirection.TO_DEVICE, 0);
        area.release(a);
        area.release(b);
        assertThat(dma.debug().errorCount()).isZero();
    }
}

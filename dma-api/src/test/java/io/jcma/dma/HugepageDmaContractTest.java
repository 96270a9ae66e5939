package io.jcma.dma;

import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.mm.Mm;
import io.jcma.shim.HugepageSize;
import io.jcma.shim.Hugepages;
import io.jcma.shim.Pagemap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The DMA contract on real 2 MiB hugepages: RAM lies where the host put the pages (usually above
 * 4 GiB, so there is no ZONE_DMA or ZONE_DMA32), in runs of physically adjacent pages as long as
 * the host happened to give, and the CPU view of every coherent buffer is checked against
 * /proc/self/pagemap. The bounce pool is placed anywhere in RAM (SWIOTLB_ANY), since
 * memblock_alloc_low finds nothing here. Needs root (for pfns) and {@value #PAGES} free 2 MiB
 * hugepages; CI reserves 64.
 */
class HugepageDmaContractTest extends DmaContractTest {
    static final int PAGES = 32;
    private static Pagemap pagemap;

    /** Checked before each test, so that each one reports the reason it skips. */
    @BeforeEach
    void host() {
        long free = Hugepages.system().supports(HugepageSize.SIZE_2M)
                ? Hugepages.system().pool(HugepageSize.SIZE_2M).available() : 0;
        assumeTrue(free >= PAGES, "needs " + PAGES + " free 2 MiB hugepages, " + free
                + " available (as root: echo 64 > /proc/sys/vm/nr_hugepages)");
        if (pagemap == null) {
            pagemap = Pagemap.openSelf();
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment probe = a.allocate(Mm.PAGE_SIZE, Mm.PAGE_SIZE);
            probe.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            pagemap.translate(probe);
        } catch (ErrnoException e) {
            assumeTrue(false, e.getMessage());
        }
    }

    @AfterAll
    static void closePagemap() {
        if (pagemap != null) {
            pagemap.close();
            pagemap = null;
        }
    }

    @Override
    protected String backing() {
        return "hugepages:2M:" + PAGES;
    }

    @Override
    protected DmaOptions dmaOptions() {
        return super.dmaOptions().withSwiotlbAny(true);
    }

    /**
     * One hugepage: the only contiguity the host guarantees. Which pages of the pool a machine
     * gets, and so which of them happen to be adjacent, changes from boot to boot.
     */
    @Override
    protected long contiguousRam() {
        return HugepageSize.SIZE_2M.bytes();
    }

    @Override
    protected Optional<long[]> hostPfns(MemorySegment cpu) {
        return Optional.of(pagemap.translate(cpu));
    }
}

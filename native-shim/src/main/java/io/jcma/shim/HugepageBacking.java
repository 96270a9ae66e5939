package io.jcma.shim;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.mm.MemoryBacking;
import io.jcma.cma.mm.MemoryBank;
import io.jcma.cma.mm.Mm;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Simulated RAM made of real hugetlb pages: a RAM bank whose pfns are the real pfns.
 *
 * <ol>
 *   <li>Map {@code count} pages of {@code size} (MAP_HUGETLB, MAP_POPULATE, mlock).</li>
 *   <li>Read each page's head pfn from pagemap, sort the pages by it and remap them in that
 *       order into one virtual range ({@link HugepageRegion#remapByPfn}).</li>
 *   <li>Cut the sorted pages into physically contiguous runs; every base page of every run is
 *       checked through pagemap to be {@code startPfn + i}.</li>
 *   <li>{@link #ramLayout()} gives one RAM bank per run, at the run's real pfns; the pages
 *       between runs are holes. {@link #map} hands out the run's slice of the remapped range,
 *       so pfn p of simulated RAM is the byte range the CPU sees at physical address p.</li>
 * </ol>
 * RAM therefore starts wherever the host kernel put the pages (often above 4 GiB) and the
 * machine's zones follow from those addresses.
 *
 * <p>Discarding is not offered ({@link Region#canDiscard()} is false): giving a page back to the
 * host (MADV_DONTNEED, punch hole) would release the physical page, and the next touch would
 * fault in a different one, breaking pfn identity. Freed memory is zeroed by writing.
 *
 * <p>All banks are reported on node 0. The host may migrate hugetlb pages (memory offlining,
 * its own alloc_contig_range); pfns are read once, at open.
 */
public final class HugepageBacking implements MemoryBacking {
    private final HugepageRegion region;
    private final List<PhysRun> runs;
    private final boolean[] mapped;
    private boolean closed;

    private HugepageBacking(HugepageRegion region, List<PhysRun> runs) {
        this.region = region;
        this.runs = runs;
        this.mapped = new boolean[runs.size()];
    }

    /**
     * Maps and remaps {@code count} hugetlb pages of {@code size}.
     *
     * @throws IllegalArgumentException if count is not positive
     * @throws ErrnoException ENOMEM when the pool has too few free pages (reserve them with
     *                        {@code echo N > /proc/sys/vm/nr_hugepages}); EPERM when physical
     *                        addresses are not visible (not root)
     */
    public static HugepageBacking open(HugepageSize size, int count) {
        HugepageRegion r;
        try {
            r = HugepageRegion.map(size, count);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOMEM && e.errno() != Errno.EINVAL) {
                throw e;
            }
            String pool = Hugepages.system().supports(size)
                    ? Hugepages.system().pool(size).available() + " available in " + size.sysfsName()
                    : "no pool " + size.sysfsName();
            throw new ErrnoException(e.errno(), "hugepages backing: cannot map count=" + count + " pages of " + size
                    + " (" + pool + "; reserve with: echo N > /sys/kernel/mm/hugepages/" + size.sysfsName()
                    + "/nr_hugepages): " + e.reason());
        }
        try (Pagemap pm = Pagemap.openSelf()) {
            r = r.remapByPfn(pm);
            long[] pfns = pm.translate(r.segment());
            List<PhysRun> runs = Contiguity.runs(Contiguity.heads(pfns, size), size);
            for (PhysRun run : runs) {
                long firstBase = run.firstPage() * size.basePages();
                for (long i = 0; i < run.basePages(); i++) {
                    if (pfns[(int) (firstBase + i)] != run.startPfn() + i) {
                        throw new ErrnoException(Errno.EIO, "hugepages backing: pfn=0x"
                                + Long.toHexString(pfns[(int) (firstBase + i)]) + " at page " + (firstBase + i)
                                + " (expected: 0x" + Long.toHexString(run.startPfn() + i) + ")");
                    }
                }
            }
            return new HugepageBacking(r, runs);
        } catch (RuntimeException e) {
            if (r.isOpen()) {
                r.close();
            }
            throw e;
        }
    }

    @Override
    public String name() {
        return "hugepages:" + region.pageSize();
    }

    /** The region holding every page, sorted by pfn. */
    public HugepageRegion region() {
        return region;
    }

    /** The physically contiguous runs, lowest pfn first. */
    public List<PhysRun> runs() {
        return runs;
    }

    @Override
    public Optional<List<MemoryBank>> ramLayout() {
        List<MemoryBank> banks = new ArrayList<>();
        for (PhysRun r : runs) {
            banks.add(new MemoryBank(r.startPfn(), r.basePages(), 0));
        }
        return Optional.of(banks);
    }

    /**
     * The slice of the run that starts at {@code start}.
     *
     * @throws IllegalArgumentException if start is not the start of a run, or bytes is not a
     *                                  positive multiple of the page size no larger than the run
     * @throws IllegalStateException    if the run is already mapped or the backing is closed
     */
    @Override
    public synchronized Region map(long start, long bytes, int nid) {
        if (closed) {
            throw new IllegalStateException("backing closed: " + name());
        }
        if (bytes <= 0 || !Mm.isAligned(bytes, Mm.PAGE_SIZE)) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: positive multiple of 4096)");
        }
        for (int i = 0; i < runs.size(); i++) {
            PhysRun run = runs.get(i);
            if (run.startPhys() != start) {
                continue;
            }
            if (bytes > run.bytes()) {
                throw new IllegalArgumentException("bytes: " + bytes + " (expected: <= " + run.bytes()
                        + ", the run at " + Mm.pa(start) + ")");
            }
            if (mapped[i]) {
                throw new IllegalStateException("run already mapped: " + Mm.pa(start));
            }
            mapped[i] = true;
            MemorySegment seg = region.segment().asSlice(run.firstPage() * region.pageSize().bytes(), bytes);
            return new RunRegion(seg, start, bytes);
        }
        throw new IllegalArgumentException("start: " + Mm.pa(start) + " (expected: the start of a hugepage run, one of "
                + runs.stream().map(r -> Mm.pa(r.startPhys())).toList() + ")");
    }

    private record RunRegion(MemorySegment segment, long start, long bytes) implements Region {
        @Override
        public long physicalAddress(long offset) {
            if (offset < 0 || offset >= bytes) {
                throw new IndexOutOfBoundsException("offset: " + offset + " (expected: 0.." + (bytes - 1) + ")");
            }
            return start + offset;
        }
    }

    /** Unmaps the pages; closing twice does nothing more. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        region.close();
    }
}

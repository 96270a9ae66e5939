package io.jcma.cma.mm.internal;

import io.jcma.cma.mm.MemoryBacking;
import io.jcma.cma.mm.MemoryBank;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.PhysicalMemory;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Simulated RAM as banks of pages over a {@link MemoryBacking}, one mapped region per bank: the
 * implementation of {@link PhysicalMemory} (the kernel's mem_map and its pfn_to_page, for bytes).
 */
public final class BankedPhysicalMemory implements PhysicalMemory {
    private final MemoryBacking backing;
    private final MemoryBank[] banks;
    private final long[] starts;
    private final MemoryBacking.Region[] regions;
    private final long totalPages;

    private BankedPhysicalMemory(MemoryBacking backing, MemoryBank[] banks, MemoryBacking.Region[] regions) {
        this.backing = backing;
        this.banks = banks;
        this.regions = regions;
        this.starts = new long[banks.length];
        long total = 0;
        for (int i = 0; i < banks.length; i++) {
            starts[i] = banks[i].startPfn();
            total += banks[i].pages();
        }
        this.totalPages = total;
    }

    /** See {@link PhysicalMemory#of}. */
    public static BankedPhysicalMemory create(List<MemoryBank> banks, MemoryBacking backing) {
        if (banks.isEmpty()) {
            throw new IllegalArgumentException("banks: [] (expected: at least one RAM bank)");
        }
        List<MemoryBank> sorted = new ArrayList<>(banks);
        sorted.sort(Comparator.comparingLong(MemoryBank::startPfn));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).startPfn() < sorted.get(i - 1).endPfn()) {
                throw new IllegalArgumentException("banks overlap: " + sorted.get(i - 1) + " and " + sorted.get(i));
            }
        }
        MemoryBank[] arr = sorted.toArray(MemoryBank[]::new);
        MemoryBacking.Region[] regions = new MemoryBacking.Region[arr.length];
        for (int i = 0; i < arr.length; i++) {
            regions[i] = backing.map(arr[i].start(), Mm.pfnPhys(arr[i].pages()), arr[i].nid());
        }
        return new BankedPhysicalMemory(backing, arr, regions);
    }

    @Override
    public List<MemoryBank> banks() {
        return List.of(banks);
    }

    @Override
    public MemoryBacking backing() {
        return backing;
    }

    private int indexOf(long pfn) {
        int lo = 0;
        int hi = starts.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] <= pfn) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found >= 0 && banks[found].contains(pfn)) {
            return found;
        }
        return -1;
    }

    @Override
    public MemoryBank bankOf(long pfn) {
        int i = indexOf(pfn);
        return i < 0 ? null : banks[i];
    }

    @Override
    public boolean isRam(long pfn, long count) {
        if (count <= 0 || pfn < 0) {
            return false;
        }
        int i = indexOf(pfn);
        return i >= 0 && pfn + count <= banks[i].endPfn() && pfn + count > pfn;
    }

    @Override
    public long startPfn() {
        return banks[0].startPfn();
    }

    @Override
    public long endPfn() {
        return banks[banks.length - 1].endPfn();
    }

    @Override
    public long totalPages() {
        return totalPages;
    }

    @Override
    public MemorySegment segment(long pfn, long count) {
        int i = indexOf(pfn);
        if (i < 0 || count < 0 || pfn + count > banks[i].endPfn()) {
            throw new IndexOutOfBoundsException("pfn range: [" + pfn + ", " + (pfn + count)
                    + ") (expected: RAM of one bank)");
        }
        return regions[i].segment().asSlice(Mm.pfnPhys(pfn - banks[i].startPfn()), Mm.pfnPhys(count));
    }

    @Override
    public java.util.Optional<MemorySegment> alias(long pfn, long count, java.lang.foreign.Arena arena) {
        int i = indexOf(pfn);
        if (i < 0 || count <= 0 || pfn + count > banks[i].endPfn()) {
            throw new IndexOutOfBoundsException("pfn range: [" + pfn + ", " + (pfn + count)
                    + ") (expected: RAM of one bank)");
        }
        MemoryBacking.Region r = regions[i];
        if (!r.canAlias()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(r.alias(Mm.pfnPhys(pfn - banks[i].startPfn()), Mm.pfnPhys(count), arena));
    }

    @Override
    public java.util.Optional<MemorySegment> vmap(List<Run> runs, java.lang.foreign.Arena arena) {
        List<MemoryBacking.Piece> pieces = new ArrayList<>();
        for (Run run : runs) {
            int i = indexOf(run.pfn());
            if (i < 0 || run.count() <= 0 || run.pfn() + run.count() > banks[i].endPfn()) {
                throw new IndexOutOfBoundsException("pfn range: [" + run.pfn() + ", " + (run.pfn() + run.count())
                        + ") (expected: RAM of one bank)");
            }
            pieces.add(new MemoryBacking.Piece(regions[i], Mm.pfnPhys(run.pfn() - banks[i].startPfn()),
                    Mm.pfnPhys(run.count())));
        }
        if (!backing.canVmap()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(backing.vmap(pieces, arena));
    }

    @Override
    public void copyPages(long srcPfn, long dstPfn, long count) {
        int si = indexOf(srcPfn);
        int di = indexOf(dstPfn);
        if (si < 0 || di < 0 || count < 0 || srcPfn + count > banks[si].endPfn() || dstPfn + count > banks[di].endPfn()) {
            throw new IndexOutOfBoundsException("copy: pfn " + srcPfn + " -> " + dstPfn + " count " + count
                    + " (expected: both ranges RAM of one bank)");
        }
        MemorySegment.copy(regions[si].segment(), Mm.pfnPhys(srcPfn - banks[si].startPfn()),
                regions[di].segment(), Mm.pfnPhys(dstPfn - banks[di].startPfn()), Mm.pfnPhys(count));
    }

    @Override
    public void zero(long pfn, long count) {
        int i = indexOf(pfn);
        if (i < 0 || pfn + count > banks[i].endPfn()) {
            throw new IndexOutOfBoundsException("pfn range: [" + pfn + ", " + (pfn + count)
                    + ") (expected: RAM of one bank)");
        }
        MemoryBacking.Region r = regions[i];
        long off = Mm.pfnPhys(pfn - banks[i].startPfn());
        if (r.canDiscard()) {
            r.discard(off, Mm.pfnPhys(count));
        } else {
            r.segment().asSlice(off, Mm.pfnPhys(count)).fill((byte) 0);
        }
    }

    @Override
    public long hostPhysicalAddress(long pfn) {
        int i = indexOf(pfn);
        if (i < 0) {
            return -1;
        }
        return regions[i].physicalAddress(Mm.pfnPhys(pfn - banks[i].startPfn()));
    }

    @Override
    public void close() {
        backing.close();
    }
}

package io.jcma.dma.internal;

import io.jcma.cma.mm.MemoryBank;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.PhysicalMemory;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Mirrors kernel/resource.c's iomem_resource as the DMA layer needs it: what answers at a
 * physical address (System RAM), and the other way round, which physical address a CPU segment
 * is (virt_to_phys() of the linear map, or of DMA-API debug's CPU views).
 *
 * <p>Locking: the debug views are guarded by this monitor. Nothing is called under it.
 */
final class Iomem {
    /** What one translated piece of a device access lands on. */
    sealed interface Target {
    }

    /** Simulated RAM: the piece's bytes. */
    record Ram(MemorySegment slice) implements Target {
    }

    private final PhysicalMemory mem;
    private final long[] bankAddr;
    private final long[] bankPhys;
    private final long[] bankLen;
    /** DMA-API debug's CPU views (aliases of RAM): address to {length, physical address}. */
    private final TreeMap<Long, long[]> aliases = new TreeMap<>();

    Iomem(PhysicalMemory mem) {
        this.mem = mem;
        List<MemoryBank> banks = mem.banks();
        bankAddr = new long[banks.size()];
        bankPhys = new long[banks.size()];
        bankLen = new long[banks.size()];
        for (int i = 0; i < banks.size(); i++) {
            MemoryBank b = banks.get(i);
            bankAddr[i] = mem.segment(b.startPfn(), b.pages()).address();
            bankPhys[i] = b.start();
            bankLen[i] = Mm.pfnPhys(b.pages());
        }
    }

    /**
     * What the {@code n} bytes at {@code phys} land on ({@code n} within one page); empty when
     * nothing answers there (MEMTX_DECODE_ERROR).
     */
    Optional<Target> target(long phys, long n) {
        long pfn = Mm.pfnDown(phys);
        if (mem.isRam(pfn, 1)) {
            return Optional.of(new Ram(mem.segment(pfn, 1).asSlice(phys & (Mm.PAGE_SIZE - 1), n)));
        }
        return Optional.empty();
    }

    /** The physical address of a CPU segment: RAM (or a debug view of it) or a region's CPU view. */
    OptionalLong phys(MemorySegment seg) {
        if (!seg.isNative()) {
            return OptionalLong.empty();
        }
        long a = seg.address();
        synchronized (this) {
            Map.Entry<Long, long[]> e = aliases.floorEntry(a);
            if (e != null && a - e.getKey() + seg.byteSize() <= e.getValue()[0]) {
                return OptionalLong.of(e.getValue()[1] + (a - e.getKey()));
            }
        }
        for (int i = 0; i < bankAddr.length; i++) {
            if (a >= bankAddr[i] && a - bankAddr[i] + seg.byteSize() <= bankLen[i]) {
                return OptionalLong.of(bankPhys[i] + (a - bankAddr[i]));
            }
        }
        return OptionalLong.empty();
    }

    /** A DMA-API debug CPU view of RAM at {@code phys} now exists. */
    synchronized void addAlias(MemorySegment view, long phys) {
        aliases.put(view.address(), new long[] {view.byteSize(), phys});
    }

    /** The debug CPU view at {@code view} is closed. */
    synchronized void removeAlias(MemorySegment view) {
        aliases.remove(view.address());
    }
}

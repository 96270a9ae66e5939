package io.jcma.dma.internal;

import io.jcma.cma.mm.MemoryBank;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.PhysicalMemory;
import io.jcma.dma.MemoryRegion;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Mirrors kernel/resource.c's iomem_resource as the DMA layer needs it: what answers at a
 * physical address (System RAM, or a device model's {@link MemoryRegion} claimed with
 * request_mem_region()), and the other way round, which physical address a CPU segment is
 * (virt_to_phys() of the linear map, of DMA-API debug's CPU views, of the regions' CPU views).
 *
 * <p>This is the registry behind the seam for device memory: {@link DeviceMemoryImpl} resolves
 * each translated page here, and the dispatcher resolves the buffers of streaming mappings here,
 * so a new kind of memory is one class implementing {@link MemoryRegion} and nothing else.
 *
 * <p>Locking: regions are replaced copy-on-write under this monitor and read without it;
 * the debug views are guarded by this monitor. Nothing is called under it.
 */
final class Iomem {
    /** What one translated piece of a device access lands on. */
    sealed interface Target {
    }

    /** Simulated RAM: the piece's bytes. */
    record Ram(MemorySegment slice) implements Target {
    }

    /** A device model's region, {@code length} bytes at {@code offset} in it. */
    record Region(MemoryRegion region, long offset, long length) implements Target {
    }

    private record Placed(long start, MemoryRegion region, MemorySegment cpu) {
        long end() {
            return start + region.size();
        }
    }

    private final PhysicalMemory mem;
    private final long[] bankAddr;
    private final long[] bankPhys;
    private final long[] bankLen;
    private volatile NavigableMap<Long, Placed> regions = new TreeMap<>();
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
     * request_mem_region(): {@code region} answers at [start, start + size).
     *
     * @throws IllegalArgumentException if start or size is not a positive page multiple (start
     *                                  may be 0), the range wraps, overlaps RAM or a region,
     *                                  or the CPU view is not size bytes of native memory
     */
    synchronized void request(long start, MemoryRegion region) {
        long size = region.size();
        if (start < 0 || size <= 0 || !Mm.isAligned(start | size, Mm.PAGE_SIZE) || start + size < 0) {
            throw new IllegalArgumentException("region: " + region.name() + " start=" + Mm.pa(start) + " size=0x"
                    + Long.toHexString(size) + " (expected: page-aligned, size > 0, below 2^63)");
        }
        MemorySegment cpu = region.cpuView().orElse(null);
        if (cpu != null && (!cpu.isNative() || cpu.byteSize() != size)) {
            throw new IllegalArgumentException("region: " + region.name() + " cpuView=" + cpu
                    + " (expected: " + size + " bytes of native memory)");
        }
        for (long pfn = Mm.pfnDown(start); pfn < Mm.pfnDown(start + size); pfn++) {
            if (mem.isRam(pfn, 1)) {
                throw new IllegalArgumentException("region: " + region.name() + " [mem " + Mm.pa(start) + "-"
                        + Mm.pa(start + size - 1) + "] (expected: no RAM; pfn " + pfn + " is RAM)");
            }
        }
        for (Placed p : regions.values()) {
            if (p.region == region || p.start < start + size && start < p.end()) {
                throw new IllegalArgumentException("region: " + region.name() + " [mem " + Mm.pa(start) + "-"
                        + Mm.pa(start + size - 1) + "] (expected: free; " + p.region.name() + " is at "
                        + Mm.pa(p.start) + ")");
            }
        }
        TreeMap<Long, Placed> next = new TreeMap<>(regions);
        next.put(start, new Placed(start, region, cpu));
        regions = next;
    }

    /**
     * release_mem_region().
     *
     * @throws IllegalStateException if the region is not on the bus (never requested, or released)
     */
    synchronized void release(MemoryRegion region) {
        TreeMap<Long, Placed> next = new TreeMap<>(regions);
        if (!next.values().removeIf(p -> p.region == region)) {
            throw new IllegalStateException("release_mem_region: " + region.name()
                    + " (expected: a region on the bus; released twice?)");
        }
        regions = next;
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
        Map.Entry<Long, Placed> e = regions.floorEntry(phys);
        if (e != null && phys + n <= e.getValue().end()) {
            return Optional.of(new Region(e.getValue().region, phys - e.getKey(), n));
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
        for (Placed p : regions.values()) {
            if (p.cpu != null && a >= p.cpu.address() && a - p.cpu.address() + seg.byteSize() <= p.cpu.byteSize()) {
                return OptionalLong.of(p.start + (a - p.cpu.address()));
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

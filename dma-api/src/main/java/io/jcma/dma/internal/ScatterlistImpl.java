package io.jcma.dma.internal;

import io.jcma.dma.Dma;
import io.jcma.dma.Scatterlist;

import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.PhysicalMemory;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Mirrors struct sg_table and sg_alloc_table_from_pages() of lib/scatterlist.c: the CPU entries,
 * and once mapped the DMA segments the ops wrote (sg_dma_address, sg_dma_len) and what undoes
 * them. The list's monitor is held across a map, unmap or sync of it.
 */
public final class ScatterlistImpl implements Scatterlist {
    final MemorySegment[] bufs;
    private final long[] dmaAddr;
    private final long[] dmaLen;
    /** DMA segments while mapped, 0 otherwise. */
    int mapped;
    /** Per mapped CPU entry, what the ops need to undo it. */
    List<Mapping> mappings;
    DeviceImpl mappedBy;

    private ScatterlistImpl(MemorySegment[] bufs) {
        this.bufs = bufs;
        this.dmaAddr = new long[bufs.length];
        this.dmaLen = new long[bufs.length];
    }

    /**
     * sg_alloc_table() and sg_set_buf() per buffer. A zero-length entry is allowed, as the kernel
     * allows it: dma-direct maps it at its address with length 0, dma-iommu gives it no page of
     * IOVA when it starts on a page; one that would have to bounce is refused at map time.
     */
    public static ScatterlistImpl of(List<MemorySegment> bufs) {
        if (bufs.isEmpty()) {
            throw new IllegalArgumentException("entries: 0 (expected: at least one)");
        }
        return new ScatterlistImpl(bufs.toArray(MemorySegment[]::new));
    }

    public static ScatterlistImpl fromPages(Dma dma, long[] pfns, long offset, long length, long maxSegment) {
        if (pfns.length == 0 || offset < 0 || offset >= Mm.PAGE_SIZE || length <= 0
                || offset + length > Mm.pfnPhys(pfns.length)) {
            throw new IllegalArgumentException("pages: " + pfns.length + " offset: " + offset + " length: " + length
                    + " (expected: 0 <= offset < 4096, 0 < offset + length <= pages * 4096)");
        }
        if (maxSegment < Mm.PAGE_SIZE) {
            throw new IllegalArgumentException("maxSegment: " + maxSegment + " (expected: >= 4096)");
        }
        PhysicalMemory mem = dma.machine().memory();
        for (long pfn : pfns) {
            if (!mem.isRam(pfn, 1)) {
                throw new IllegalArgumentException("pfn: " + pfn + " (expected: a page of RAM)");
            }
        }
        List<MemorySegment> out = new ArrayList<>();
        long remaining = length;
        long first = offset;
        int i = 0;
        while (i < pfns.length && remaining > 0) {
            int j = i + 1;
            while (j < pfns.length && pfns[j] == pfns[j - 1] + 1 && mem.isRam(pfns[i], j - i + 1)
                    && Mm.pfnPhys(j - i + 1) <= maxSegment) {
                j++;
            }
            long bytes = Math.min(Mm.pfnPhys(j - i) - first, remaining);
            out.add(mem.segment(pfns[i], j - i).asSlice(first, bytes));
            remaining -= bytes;
            first = 0;
            i = j;
        }
        return of(out);
    }

    /** sg_dma_address() and sg_dma_len() of DMA segment {@code i}, as the ops write them. */
    void setSegment(int i, long dma, long len) {
        dmaAddr[i] = dma;
        dmaLen[i] = len;
    }

    /** A merged segment grows (__finalise_sg). */
    void setSegmentLength(int i, long len) {
        dmaLen[i] = len;
    }

    /** The list is no longer mapped: no segments, nothing to undo. */
    void clearMapping() {
        mapped = 0;
        mappings = null;
        mappedBy = null;
        Arrays.fill(dmaAddr, 0);
        Arrays.fill(dmaLen, 0);
    }

    @Override
    public int nents() {
        return bufs.length;
    }

    @Override
    public synchronized int mappedNents() {
        return mapped;
    }

    @Override
    public MemorySegment buffer(int i) {
        return bufs[i];
    }

    @Override
    public synchronized long dmaAddress(int i) {
        return dmaAddr[i];
    }

    @Override
    public synchronized long dmaLength(int i) {
        return dmaLen[i];
    }
}

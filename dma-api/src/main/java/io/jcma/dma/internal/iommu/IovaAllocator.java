package io.jcma.dma.internal.iommu;

import java.util.Map;
import java.util.TreeMap;

/**
 * Mirrors drivers/iommu/iova.c: an IOVA allocator in page frames, top-down like its rbtree
 * allocator, the highest size-aligned free range below the limit. Ranges are kept in a sorted map (lo to hi,
 * inclusive) instead of an rbtree with a cached node; the answers are the same.
 *
 * <ol>
 *   <li>alloc_iova_fast(): sizes under 32 pages round up to a power of two.</li>
 *   <li>The alignment is the size rounded up to a power of two (size_aligned).</li>
 *   <li>From limit_pfn down, through the gaps between allocated ranges, take the highest
 *       aligned start whose range fits the gap; nothing below start_pfn.</li>
 * </ol>
 */
public final class IovaAllocator {
    /** IOVA_RANGE_CACHE_MAX_SIZE: sizes below 2^(6-1) pages are rounded to a power of two. */
    static final int IOVA_RANGE_CACHE_MAX_SIZE = 6;

    private final long startPfn;
    private final TreeMap<Long, Long> ranges = new TreeMap<>();
    private long allocated;

    public IovaAllocator(long startPfn) {
        if (startPfn < 1) {
            throw new IllegalArgumentException("startPfn: " + startPfn + " (expected: >= 1)");
        }
        this.startPfn = startPfn;
    }

    private static long roundupPow2(long x) {
        return x <= 1 ? 1 : Long.highestOneBit(x - 1) << 1;
    }

    /**
     * alloc_iova_fast(): the first pfn of {@code pages} pages at or below {@code limitPfn}, or -1.
     *
     * @throws IllegalArgumentException if pages is not positive
     */
    public synchronized long alloc(long pages, long limitPfn) {
        if (pages <= 0) {
            throw new IllegalArgumentException("pages: " + pages + " (expected: > 0)");
        }
        long size = pages < (1L << (IOVA_RANGE_CACHE_MAX_SIZE - 1)) ? roundupPow2(pages) : pages;
        long align = roundupPow2(size);
        long high = limitPfn + 1;
        for (Map.Entry<Long, Long> r : ranges.headMap(high, false).descendingMap().entrySet()) {
            long lo = r.getKey();
            long hi = r.getValue();
            long cand = (high - size) & -align;
            if (high - size >= hi + 1 && cand >= hi + 1 && cand >= startPfn) {
                return insert(cand, size);
            }
            high = Math.min(high, lo);
        }
        if (high - size >= startPfn) {
            long cand = (high - size) & -align;
            if (cand >= startPfn) {
                return insert(cand, size);
            }
        }
        return -1;
    }

    private long insert(long lo, long size) {
        ranges.put(lo, lo + size - 1);
        allocated += size;
        return lo;
    }

    /**
     * free_iova(): frees the range containing {@code pfn}; returns its size in pages, or 0 if
     * none contains it.
     */
    public synchronized long free(long pfn) {
        Map.Entry<Long, Long> r = ranges.floorEntry(pfn);
        if (r == null || r.getValue() < pfn) {
            return 0;
        }
        ranges.remove(r.getKey());
        long size = r.getValue() - r.getKey() + 1;
        allocated -= size;
        return size;
    }

    /** Pages in allocated ranges. */
    public synchronized long allocatedPages() {
        return allocated;
    }

    public synchronized int rangeCount() {
        return ranges.size();
    }
}

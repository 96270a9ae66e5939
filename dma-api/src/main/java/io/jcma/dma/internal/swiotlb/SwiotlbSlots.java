package io.jcma.dma.internal.swiotlb;

/**
 * Mirrors swiotlb_search_pool_area() and swiotlb_release_slots() of kernel/dma/swiotlb.c: the
 * slot allocator of one swiotlb pool (struct io_tlb_pool with a single area).
 *
 * <h2>Notation</h2>
 * <pre>
 *   slot        IO_TLB_SIZE = 2 KiB (IO_TLB_SHIFT 11)     segment   IO_TLB_SEGSIZE = 128 slots
 *   list[i]     free slots from i to the end of i's segment, 0 when i is in use
 *   index       where the next search starts (wraps to 0 at the end)
 * </pre>
 *
 * <h2>The list[] array (one segment, slots 3..5 in use)</h2>
 * <pre>
 *   slot:   0    1    2    3    4    5    6    7   ...  127 | 128 ...
 *         +----+----+----+----+----+----+----+----+-----+---+-----
 *         |  3 |  2 |  1 |  0 |  0 |  0 |122 |121 | ... | 1 | 128
 *         +----+----+----+----+----+----+----+----+-----+---+-----
 * </pre>
 *
 * <h2>swiotlb_search_pool_area()</h2>
 * <ol>
 *   <li>nslots = ceil(size / 2 KiB). Mappings of a page or more are page-aligned
 *       (align mask PAGE_SIZE - 1); others slot-aligned. stride = slots per alignment unit.</li>
 *   <li>If fewer slots are free than nslots: fail.</li>
 *   <li>From index, visit slots: skip misaligned ones one by one; take slot i when the mapping
 *       does not cross the device's segment boundary and list[i] &gt;= nslots; else step by
 *       stride. After nslabs slots: fail.</li>
 *   <li>Found: list[] of the taken slots becomes 0, the free slots before them in the same
 *       segment count up again (1, 2, ...); index moves past the mapping.</li>
 * </ol>
 * swiotlb_release_slots() rebuilds the counts the other way. A mapping never spans two
 * segments, so at most 128 slots (256 KiB) can be mapped at once.
 */
public final class SwiotlbSlots {
    public static final int IO_TLB_SHIFT = 11;
    public static final long IO_TLB_SIZE = 1L << IO_TLB_SHIFT;
    public static final int IO_TLB_SEGSIZE = 128;
    /** IO_TLB_DEFAULT_SIZE: 64 MiB. */
    public static final long IO_TLB_DEFAULT_SIZE = 64L << 20;

    private static final long PAGE_SIZE = 4096;

    private final int nslabs;
    private final int[] list;
    private final long[] allocSize;
    /** Bit i set: a mapping starts at slot i (what swiotlb_release_slots may be given). */
    private final long[] starts;
    private int index;
    private long used;

    /**
     * @throws IllegalArgumentException if nslabs is not a positive multiple of IO_TLB_SEGSIZE
     */
    public SwiotlbSlots(int nslabs) {
        if (nslabs <= 0 || nslabs % IO_TLB_SEGSIZE != 0) {
            throw new IllegalArgumentException("nslabs: " + nslabs + " (expected: positive multiple of "
                    + IO_TLB_SEGSIZE + ")");
        }
        this.nslabs = nslabs;
        this.list = new int[nslabs];
        this.allocSize = new long[nslabs];
        this.starts = new long[(nslabs + 63) >>> 6];
        for (int i = 0; i < nslabs; i++) {
            list[i] = IO_TLB_SEGSIZE - (i & (IO_TLB_SEGSIZE - 1));
        }
    }

    public int nslabs() {
        return nslabs;
    }

    public synchronized long used() {
        return used;
    }

    /** nr_slots(). */
    public static int nrSlots(long size) {
        return (int) ((size + IO_TLB_SIZE - 1) >>> IO_TLB_SHIFT);
    }

    /** get_max_slots(): slots per boundary unit of {@code mask}. */
    static long maxSlots(long mask) {
        return mask == -1L ? 1L << (64 - IO_TLB_SHIFT) : (mask >>> IO_TLB_SHIFT) + 1;
    }

    /** iommu_is_span_boundary(). */
    private static boolean spansBoundary(long index, long nr, long shift, long boundarySize) {
        long s = (shift + index) & (boundarySize - 1);
        return s + nr > boundarySize;
    }

    private int wrap(long i) {
        return i >= nslabs ? 0 : (int) i;
    }

    /**
     * swiotlb_search_pool_area(): the first slot of a free run for {@code size} bytes, or -1.
     *
     * @param poolDma      the pool's start as the device addresses it
     * @param boundaryMask the device's segment boundary mask (2^n - 1)
     * @throws IllegalArgumentException if size is not positive
     */
    public synchronized int find(long size, long poolDma, long boundaryMask) {
        if (size <= 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: > 0)");
        }
        long nslots = nrSlots(size);
        long alignMask = size >= PAGE_SIZE ? PAGE_SIZE - 1 : 0;
        alignMask |= IO_TLB_SIZE - 1;
        long stride = maxSlots(alignMask);
        long tblDma = poolDma & boundaryMask;
        long maxSlots = maxSlots(boundaryMask);
        if (nslots > nslabs - used) {
            return -1;
        }
        int i = index;
        for (long checked = 0; checked < nslabs; ) {
            long tlb = tblDma + ((long) i << IO_TLB_SHIFT);
            if ((tlb & alignMask) != 0) {
                i = wrap(i + 1L);
                checked++;
                continue;
            }
            if (!spansBoundary(i, nslots, nrSlots(tblDma), maxSlots) && list[i] >= nslots) {
                take(i, (int) nslots, size);
                return i;
            }
            i = wrap(i + stride);
            checked += stride;
        }
        return -1;
    }

    private void take(int slot, int nslots, long size) {
        for (int i = slot; i < slot + nslots; i++) {
            list[i] = 0;
            allocSize[i] = size - ((long) (i - slot) << IO_TLB_SHIFT);
        }
        int count = 0;
        for (int i = slot - 1; (i & (IO_TLB_SEGSIZE - 1)) != IO_TLB_SEGSIZE - 1 && list[i] != 0; i--) {
            list[i] = ++count;
        }
        starts[slot >>> 6] |= 1L << slot;
        index = wrap((long) slot + nslots);
        used += nslots;
    }

    /**
     * swiotlb_release_slots(): frees the mapping that starts at {@code slot}.
     *
     * @throws IllegalStateException if no mapping starts there
     */
    public synchronized void release(int slot) {
        if (slot < 0 || slot >= nslabs || (starts[slot >>> 6] & (1L << slot)) == 0) {
            throw new IllegalStateException("swiotlb slot: " + slot + " is not the start of a mapping");
        }
        starts[slot >>> 6] &= ~(1L << slot);
        int nslots = nrSlots(allocSize[slot]);
        int count = slot + nslots < alignUp(slot + 1) ? list[slot + nslots] : 0;
        for (int i = slot + nslots - 1; i >= slot; i--) {
            list[i] = ++count;
            allocSize[i] = 0;
        }
        for (int i = slot - 1; (i & (IO_TLB_SEGSIZE - 1)) != IO_TLB_SEGSIZE - 1 && list[i] != 0; i--) {
            list[i] = ++count;
        }
        used -= nslots;
    }

    private static int alignUp(int x) {
        return (x + IO_TLB_SEGSIZE - 1) & -IO_TLB_SEGSIZE;
    }

    /** The bytes mapped from {@code slot} on (slot->alloc_size), 0 when free. */
    public synchronized long allocSize(int slot) {
        return allocSize[slot];
    }

    /** A copy of list[], for tests and pictures. */
    public synchronized int[] listSnapshot() {
        return list.clone();
    }
}

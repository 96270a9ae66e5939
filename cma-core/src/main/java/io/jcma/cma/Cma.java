package io.jcma.cma;

import io.jcma.cma.internal.CmaArea;
import io.jcma.cma.mm.Mm;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

/**
 * One contiguous memory area: struct cma of mm/cma.c, with cma_alloc() and cma_release().
 * Obtained from {@link CmaAreas}.
 *
 * <p>An area is a range of {@link #count()} pages from {@link #basePfn()}, tracked by a bitmap
 * in which one bit stands for 2^{@link #orderPerBit()} pages ({@link #bitmap()} is a snapshot
 * of it). Thread-safe.
 */
public sealed interface Cma permits CmaArea {

    /** cma_get_name(). */
    String name();

    long basePfn();

    /** Pages in the area (0 after a failed activation, as the kernel leaves it). */
    long count();

    /** Pages not allocated. */
    long availableCount();

    int orderPerBit();

    /** The node the area was reserved on, or NUMA_NO_NODE (-1). */
    int nid();

    /** Whether cma_activate_area() succeeded: allocations are possible. */
    boolean active();

    /** cma_get_base(). */
    default long base() {
        return Mm.pfnPhys(basePfn());
    }

    /** cma_get_size(). */
    default long size() {
        return Mm.pfnPhys(count());
    }

    /** cma_bitmap_maxno(): bits in the bitmap. */
    default long bitmapMaxno() {
        return count() >>> orderPerBit();
    }

    /** cma_bitmap_aligned_mask(): the bitmap-index mask that realises {@code alignOrder}. */
    default long bitmapAlignedMask(int alignOrder) {
        if (alignOrder <= orderPerBit()) {
            return 0;
        }
        return (1L << (alignOrder - orderPerBit())) - 1;
    }

    /** cma_bitmap_aligned_offset(): the base pfn's misalignment, in bits. */
    default long bitmapAlignedOffset(int alignOrder) {
        return (basePfn() & ((1L << alignOrder) - 1)) >>> orderPerBit();
    }

    /** cma_bitmap_pages_to_bits(). */
    default long bitmapPagesToBits(long pages) {
        long unit = 1L << orderPerBit();
        return Mm.alignUp(pages, unit) >>> orderPerBit();
    }

    /**
     * cma_alloc(): {@code count} contiguous pages aligned to 2^{@code align} pages. Empty when
     * no free range could be had (logged unless {@code noWarn}, and counted), as the kernel
     * returns NULL; empty too, but neither logged nor counted, for a count of 0, an inactive area
     * or more pages than the area has, which 6.9 and later turn away as bad input.
     *
     * @throws IllegalArgumentException if count is negative or align is outside 0..63
     * @throws IllegalStateException    if the machine is suspended
     */
    default Optional<CmaAllocation> alloc(long count, int align, boolean noWarn) {
        return alloc(count, align, noWarn, null);
    }

    /**
     * As {@link #alloc(long, int, boolean)}, recording {@code owner} (a device name, a test
     * name) with the allocation.
     *
     * @throws IllegalArgumentException if count is negative or align is outside 0..63
     * @throws IllegalStateException    if the machine is suspended
     */
    Optional<CmaAllocation> alloc(long count, int align, boolean noWarn, String owner);

    /**
     * cma_release(): gives back {@code count} pages from {@code pfn}. False when the pages do
     * not start inside this area (the kernel's answer). A whole allocation, or a part of one
     * that starts and ends on a bitmap bit (as mm/cma_debug.c frees), may be released.
     *
     * @throws IllegalArgumentException if count is negative, the range runs past the area's end
     *                                  or a partial release is not bit-aligned
     * @throws IllegalStateException    if the pages are not allocated (a double free)
     */
    boolean release(long pfn, long count);

    /**
     * Releases a whole allocation of this area; see {@link #release(long, long)}.
     *
     * @throws IllegalArgumentException if the allocation is of another area (of this machine or
     *                                  another one)
     * @throws IllegalStateException    if it was released already (a double free)
     */
    boolean release(CmaAllocation allocation);

    /** cma_pages_valid(): the range starts inside this area. */
    boolean pagesValid(long pfn, long count);

    /** Live allocations, by pfn. */
    List<CmaAllocation> allocations();

    /** Allocated pages as the bitmap counts them (debugfs "used"). */
    long used();

    /** The largest free run in pages (debugfs "maxchunk"). */
    long maxchunk();

    /** A snapshot of the bitmap, taken under the area's lock (no bits before activation). */
    CmaBitmap bitmap();

    /**
     * The free extents as cma_debug_show_areas() prints them: "N@bit+..." then
     * "=> X free of Y total pages".
     */
    String freeExtents();

    /** A snapshot of state and counters. */
    CmaMetrics metrics();

    /**
     * The bytes of [pfn, pfn + count), which must lie in this area.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the area
     * @throws IllegalStateException     if the areas are not activated yet
     */
    MemorySegment segment(long pfn, long count);
}

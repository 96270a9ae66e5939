package io.jcma.shim;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * Huge pages mapped into this process: {@link #pages()} pages of {@link #pageSize()}, populated
 * at map time (MAP_POPULATE) and mlocked, seen as one {@link MemorySegment} owned by a shared
 * {@link java.lang.foreign.Arena}. {@link #close()} closes the arena first, so no segment of the
 * region can reach the memory once it is unmapped: use after close is an
 * {@link IllegalStateException}, never a fault.
 *
 * <p>{@link Kind#HUGETLB} pages come from the host's hugetlb pool (MAP_HUGETLB with the size
 * flag); each is physically contiguous. {@link Kind#TRANSPARENT} is the fallback when the pool
 * has none: anonymous memory with MADV_HUGEPAGE, which the kernel backs with transparent huge
 * pages when it can, so contiguity inside a page is likely, not promised.
 */
public sealed interface HugepageRegion extends AutoCloseable permits MappedHugepages {

    /** Where the pages come from. */
    enum Kind {
        /** The hugetlb pool: MAP_HUGETLB. */
        HUGETLB,
        /** Transparent huge pages: madvise(MADV_HUGEPAGE) on anonymous memory. */
        TRANSPARENT
    }

    /**
     * Maps {@code count} hugetlb pages of {@code size}.
     *
     * @throws IllegalArgumentException if count is not positive or the mapping would not fit
     *                                  the address space
     * @throws io.jcma.cma.kernel.ErrnoException ENOMEM when the pool has fewer free pages, EINVAL when
     *                                  the host has no pool of that size
     */
    static HugepageRegion map(HugepageSize size, int count) {
        return MappedHugepages.mapHugetlb(size, MappedHugepages.checkedBytes(size, count));
    }

    /**
     * Maps {@code bytes} of hugetlb pages of {@code size}.
     *
     * @throws IllegalArgumentException if bytes is not a positive multiple of the page size or
     *                                  exceeds the 47-bit user address space
     * @throws io.jcma.cma.kernel.ErrnoException ENOMEM when the pool has too few free pages
     */
    static HugepageRegion mapBytes(HugepageSize size, long bytes) {
        return MappedHugepages.mapHugetlb(size, MappedHugepages.checkedBytes(size, bytes));
    }

    /**
     * Maps {@code count} pages of {@code size} from the hugetlb pool, or, when the pool cannot
     * give them (no pool of that size, or too few free pages), the same number of bytes as
     * transparent huge pages, reported by {@link #kind()} and {@link #fallbackReason()}.
     *
     * @throws IllegalArgumentException as {@link #map}
     */
    static HugepageRegion mapOrTransparent(HugepageSize size, int count) {
        return MappedHugepages.mapOrTransparent(size, MappedHugepages.checkedBytes(size, count));
    }

    Kind kind();

    /** Why the region is transparent rather than hugetlb; empty for hugetlb. */
    Optional<String> fallbackReason();

    /** The size of each page: the hugetlb size, or the PMD size for transparent huge pages. */
    HugepageSize pageSize();

    int pages();

    long bytes();

    /** The virtual address of the first byte. */
    long address();

    /**
     * The whole region.
     *
     * @throws IllegalStateException if the region is closed
     */
    MemorySegment segment();

    /**
     * Huge page {@code i} (in virtual order).
     *
     * @throws IndexOutOfBoundsException if i is not a page of the region
     * @throws IllegalStateException     if the region is closed
     */
    MemorySegment page(int i);

    /** Whether mlock(2) succeeded. */
    boolean locked();

    /** Why mlock failed, when it did. */
    Optional<String> lockError();

    /** Whether the region is still mapped by this object (not closed or moved). */
    boolean isOpen();

    /**
     * Reads the head pfn of every huge page through {@code pagemap}, in virtual order.
     *
     * @throws IllegalStateException if the region is closed
     * @throws io.jcma.cma.kernel.ErrnoException EPERM when physical addresses are not visible
     */
    long[] headPfns(Pagemap pagemap);

    /**
     * Sorts the huge pages by physical address and moves them (mremap MREMAP_MAYMOVE |
     * MREMAP_FIXED) into one freshly reserved, huge-page-aligned virtual range in that order,
     * so that each physically contiguous run is virtually contiguous too: DPDK's legacy-mode
     * remap. This region is consumed: it is closed and its pages belong to the result.
     *
     * @throws IllegalStateException if the region is closed
     * @throws io.jcma.cma.kernel.ErrnoException from mmap or mremap (both regions are then unmapped)
     */
    HugepageRegion remapByPfn(Pagemap pagemap);

    /**
     * Unmaps the pages: closes the arena (every segment of the region dies), then munmap(2).
     *
     * @throws IllegalStateException if already closed (a double unmap) or moved by
     *                               {@link #remapByPfn}
     */
    @Override
    void close();
}

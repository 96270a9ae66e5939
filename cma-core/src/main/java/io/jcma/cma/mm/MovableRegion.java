package io.jcma.cma.mm;

import io.jcma.cma.mm.internal.MovableRegions;

/**
 * Movable memory a simulated user holds: anonymous or page-cache pages on the LRU, whose bytes
 * live in simulated RAM and whose physical pages the kernel may migrate (compaction, CMA). The
 * handle hides the move: reads and writes go through the current pfn of each page, so they
 * always see the same bytes.
 *
 * <p>Pinning mirrors gup: {@link #pin()} is FOLL_PIN (pin_user_pages), after which migration of
 * these pages fails and alloc_contig_range() gives up with EBUSY; {@link #pinLongterm()} is
 * FOLL_PIN | FOLL_LONGTERM, which first migrates every page out of CMA and isolated pageblocks
 * (check_and_migrate_movable_pages), as a long-lived pin must never sit in CMA.
 *
 * <p>Obtained from {@link MigratingPageAllocator#allocMovable}. Thread-safe: every access takes the
 * allocator's zone lock, which migration holds while it moves a page.
 */
public sealed interface MovableRegion extends AutoCloseable permits MovableRegions.Region {

    /** The number of pages. */
    long pages();

    /** Size in bytes. */
    default long byteSize() {
        return Mm.pfnPhys(pages());
    }

    /**
     * The current pfn of page {@code index}: changes when the page is migrated.
     *
     * @throws IndexOutOfBoundsException if index is outside 0..pages()-1
     * @throws IllegalStateException     if the region was freed
     */
    long pfn(long index);

    /**
     * Copies {@code length} bytes from byte {@code offset} of the region into {@code dst}.
     *
     * @throws IndexOutOfBoundsException if the range is outside the region or dst
     * @throws IllegalStateException     if the region was freed
     */
    void read(long offset, byte[] dst, int dstOffset, int length);

    /**
     * Copies {@code length} bytes of {@code src} to byte {@code offset} of the region.
     *
     * @throws IndexOutOfBoundsException if the range is outside the region or src
     * @throws IllegalStateException     if the region was freed
     */
    void write(long offset, byte[] src, int srcOffset, int length);

    /**
     * Writes one little-endian long at byte {@code offset}.
     *
     * @throws IndexOutOfBoundsException if the eight bytes are not all inside the region
     * @throws IllegalStateException     if the region was freed
     */
    void putLong(long offset, long value);

    /**
     * Reads one little-endian long at byte {@code offset}.
     *
     * @throws IndexOutOfBoundsException if the eight bytes are not all inside the region
     * @throws IllegalStateException     if the region was freed
     */
    long getLong(long offset);

    /**
     * CRC-32C of every byte of the region, page by page, in region order.
     *
     * @throws IllegalStateException if the region was freed
     */
    long checksum();

    /**
     * pin_user_pages() (FOLL_PIN): until {@link #unpin()}, migration fails with EBUSY. Pins nest.
     *
     * @throws IllegalStateException if the region was freed
     */
    void pin();

    /**
     * pin_user_pages(FOLL_LONGTERM): migrates every page that lies in a MIGRATE_CMA or
     * MIGRATE_ISOLATE pageblock to unmovable memory outside them, then pins.
     *
     * @throws io.jcma.cma.kernel.ErrnoException ENOMEM if a page cannot be migrated (no memory
     *                                           outside CMA, or the page is already pinned);
     *                                           nothing is pinned
     * @throws IllegalStateException             if the region was freed
     */
    void pinLongterm();

    /**
     * unpin_user_pages().
     *
     * @throws IllegalStateException if the region is not pinned, or was freed
     */
    void unpin();

    /** Whether a pin is held. */
    boolean pinned();

    /**
     * Frees every page (the user unmaps it).
     *
     * @throws IllegalStateException if the region is pinned or already freed
     */
    void free();

    /** Whether {@link #free()} ran. */
    boolean freed();

    /**
     * Same as {@link #free()}.
     *
     * @throws IllegalStateException if the region is pinned or already freed
     */
    @Override
    default void close() {
        free();
    }
}

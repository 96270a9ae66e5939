package io.jcma.cma.mm;

import io.jcma.cma.mm.internal.BankedPhysicalMemory;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Simulated physical RAM: banks of pages, each backed by a {@link MemoryBacking} region, and
 * the translation from a pfn range to the bytes of those pages.
 *
 * <p>Addresses are physical; a range handed to {@link #segment} must lie in one bank (the
 * kernel's {@code pfn_to_page} works across banks, but contiguous memory never crosses one,
 * because a hole lies between banks).
 */
public sealed interface PhysicalMemory extends AutoCloseable permits BankedPhysicalMemory {

    /**
     * Maps every bank through {@code backing}. Banks must not overlap.
     *
     * @throws IllegalArgumentException if banks overlap or the list is empty
     */
    static PhysicalMemory of(List<MemoryBank> banks, MemoryBacking backing) {
        return BankedPhysicalMemory.create(banks, backing);
    }

    /** The banks, sorted by start pfn. */
    List<MemoryBank> banks();

    MemoryBacking backing();

    /** The bank holding {@code pfn}, or null in a hole. */
    MemoryBank bankOf(long pfn);

    /** True if every page of [pfn, pfn + count) is RAM of one bank. */
    boolean isRam(long pfn, long count);

    /** The lowest pfn of RAM. */
    long startPfn();

    /** One past the highest pfn of RAM (max_pfn). */
    long endPfn();

    /** Total RAM pages over all banks. */
    long totalPages();

    /**
     * The bytes of pages [pfn, pfn + count), a slice of the bank's mapping.
     *
     * @throws IndexOutOfBoundsException if the range is not RAM of one bank
     */
    MemorySegment segment(long pfn, long count);

    /**
     * A second mapping of pages [pfn, pfn + count) in {@code arena}'s scope (see
     * {@link MemoryBacking.Region#alias}); empty when the backing cannot make one.
     *
     * @throws IndexOutOfBoundsException if the range is not RAM of one bank
     */
    java.util.Optional<MemorySegment> alias(long pfn, long count, java.lang.foreign.Arena arena);

    /** A run of physically contiguous pages: [pfn, pfn + count). */
    record Run(long pfn, long count) {
    }

    /**
     * vmap(): the runs one after the other at consecutive virtual addresses in {@code arena}'s
     * scope (see {@link MemoryBacking#vmap}); empty when the backing cannot.
     *
     * @throws IndexOutOfBoundsException if a run is not RAM of one bank
     * @throws io.jcma.cma.kernel.ErrnoException ENOMEM if the host cannot map them
     */
    java.util.Optional<MemorySegment> vmap(List<Run> runs, java.lang.foreign.Arena arena);

    /**
     * Copies {@code count} pages from {@code srcPfn} to {@code dstPfn} (migration's copy), each
     * range in one bank, without making slices.
     *
     * @throws IndexOutOfBoundsException if a range is not RAM of one bank
     */
    void copyPages(long srcPfn, long dstPfn, long count);

    /**
     * Makes pages [pfn, pfn + count) read as zero: discarded to the host when the backing can,
     * written with zeros otherwise.
     *
     * @throws IndexOutOfBoundsException if the range is not RAM of one bank
     */
    void zero(long pfn, long count);

    /** The real physical address of {@code pfn} as the backing knows it, or -1 (a hole, or not known). */
    long hostPhysicalAddress(long pfn);

    @Override
    void close();
}

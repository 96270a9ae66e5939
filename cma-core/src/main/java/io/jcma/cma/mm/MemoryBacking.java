package io.jcma.cma.mm;

import io.jcma.cma.mm.internal.SparseFileBacking;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

/**
 * Where the bytes of simulated RAM live. cma-core owns this interface; other modules (the
 * native shim's real hugepages) implement it and register a {@link MemoryBackingProvider}.
 *
 * <p>A backing maps one {@link Region} per RAM bank. The default is {@link #sparseFile()}: a
 * deleted file in /dev/shm, mapped, so untouched memory costs nothing.
 */
public interface MemoryBacking extends AutoCloseable {

    /** A short name for logs and {@code --backing}: "sparse-file", "hugepages:2M", ... */
    String name();

    /**
     * Maps {@code bytes} bytes of RAM for the bank that starts at physical address
     * {@code start} on node {@code nid}. The bytes read as zero.
     *
     * @throws IllegalArgumentException if bytes is not a positive multiple of the page size
     * @throws io.jcma.cma.kernel.ErrnoException ENOMEM if the host cannot provide the memory
     */
    Region map(long start, long bytes, int nid);

    /**
     * The RAM layout this backing dictates, if any: a backing of real hugepages has RAM exactly
     * where its pages are physically. Empty for backings that accept any layout.
     */
    default Optional<List<MemoryBank>> ramLayout() {
        return Optional.empty();
    }

    /** One piece of a {@link #vmap}: {@code length} bytes at {@code offset} of one of this backing's regions. */
    record Piece(Region region, long offset, long length) {
    }

    /**
     * Whether {@link #vmap} can map pieces of this backing's regions at consecutive virtual
     * addresses; when false, scattered pages have only their own views.
     */
    default boolean canVmap() {
        return false;
    }

    /**
     * vmap(): the pieces, each page-aligned, one after the other at consecutive virtual addresses
     * in {@code arena}'s scope, sharing their pages with the regions' own mappings; closing the
     * arena unmaps only this view. The DMA layer gives a buffer of scattered pages its one CPU
     * view this way, as iommu_dma_alloc_remap() does with dma_common_pages_remap().
     *
     * @throws UnsupportedOperationException if {@link #canVmap()} is false
     * @throws io.jcma.cma.kernel.ErrnoException ENOMEM if the host cannot map them
     */
    default MemorySegment vmap(List<Piece> pieces, java.lang.foreign.Arena arena) {
        throw new UnsupportedOperationException("backing cannot vmap: " + name());
    }

    /** Releases everything this backing mapped. */
    @Override
    void close();

    /** The default backing: sparse files in /dev/shm (or the JVM's temp dir if absent). */
    static MemoryBacking sparseFile() {
        return SparseFileBacking.create();
    }

    /** One bank's memory. */
    interface Region {
        MemorySegment segment();

        /**
         * Whether {@link #discard} gives memory back to the host so that it reads as zero
         * again (MADV_REMOVE / FALLOC_FL_PUNCH_HOLE); when false, zeroing is done by writing.
         */
        default boolean canDiscard() {
            return false;
        }

        /**
         * Discards {@code length} bytes at {@code offset}: afterwards they read as zero and cost
         * no host memory.
         *
         * @throws UnsupportedOperationException if {@link #canDiscard()} is false
         */
        default void discard(long offset, long length) {
            throw new UnsupportedOperationException("backing cannot discard");
        }

        /**
         * Whether {@link #alias} can map bytes of this region a second time.
         */
        default boolean canAlias() {
            return false;
        }

        /**
         * Maps {@code length} bytes at {@code offset} a second time, in {@code arena}'s scope: both
         * mappings show the same bytes, and closing {@code arena} unmaps only the alias. The DMA
         * layer's debug mode gives each allocation such a view so that a CPU access after free
         * throws.
         *
         * @throws UnsupportedOperationException if {@link #canAlias()} is false
         */
        default MemorySegment alias(long offset, long length, java.lang.foreign.Arena arena) {
            throw new UnsupportedOperationException("backing cannot alias");
        }

        /** The real physical address of byte {@code offset}, when the backing knows it. */
        default long physicalAddress(long offset) {
            return -1;
        }
    }
}

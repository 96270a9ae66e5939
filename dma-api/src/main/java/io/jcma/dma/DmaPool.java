package io.jcma.dma;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * struct dma_pool of mm/dmapool.c: small coherent blocks of one size carved from
 * page-sized (or larger) coherent allocations, never crossing the pool's boundary.
 */
public sealed interface DmaPool permits io.jcma.dma.internal.DmaPoolImpl {

    /** A block: its CPU view and DMA address. */
    record Block(MemorySegment cpu, long dmaAddress) {
    }

    String name();

    Device device();

    /** The block size after rounding (at least 16 bytes, aligned). */
    long size();

    /** The coherent allocation each page of the pool is (max(size, PAGE_SIZE)). */
    long allocation();

    long boundary();

    /** nr_active. */
    long active();

    /** nr_blocks. */
    long blocks();

    /** nr_pages. */
    long pages();

    /**
     * dma_pool_alloc(): a block, or empty when no coherent memory could be had (NULL).
     * {@code gfp} with Gfp.ZERO zeroes the block.
     *
     * @throws IllegalStateException if the pool is destroyed
     */
    Optional<Block> alloc(int gfp);

    /**
     * dma_pool_zalloc(): a zeroed block.
     *
     * @throws IllegalStateException if the pool is destroyed
     */
    default Optional<Block> zalloc() {
        return alloc(io.jcma.cma.mm.Gfp.ZERO);
    }

    /**
     * dma_pool_free(). A block that is not the pool's or already free is reported (as
     * CONFIG_DMAPOOL_DEBUG does, "dma_pool_free NAME, ... (bad dma)" / "already free") and
     * refused.
     *
     * @throws IllegalStateException if the block is not an allocated block of this pool (a
     *                               block of another pool is not)
     */
    void free(Block block);

    /**
     * dma_pool_destroy(): frees the pages; with blocks still allocated it logs
     * "dma_pool_destroy NAME busy" and leaks them, as the kernel does.
     *
     * @throws IllegalStateException if the pool is destroyed already
     */
    void destroy();
}

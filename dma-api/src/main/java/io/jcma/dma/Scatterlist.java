package io.jcma.dma;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * struct sg_table: entries of CPU memory (a slice of simulated RAM, or any other segment, which
 * bounces) and, once mapped, their DMA address and length.
 *
 * <p>{@link #fromPages} merges physically contiguous pages into one entry, as
 * sg_alloc_table_from_pages() does. Mapping keeps the entries: dma-direct maps each entry on its
 * own (nents in = nents out), an IOMMU maps them into one IOVA range and merges what became
 * contiguous (fewer DMA segments than entries), as the kernel does.
 */
public sealed interface Scatterlist permits io.jcma.dma.internal.ScatterlistImpl {

    /**
     * One entry per buffer, in order (sg_init_table + sg_set_buf). An empty buffer is a
     * zero-length entry, which maps as the kernel maps one (dma-direct: at its address, length
     * 0); one that would have to bounce is refused by {@link Dma#mapSg}.
     *
     * @throws IllegalArgumentException if there is no buffer
     */
    static Scatterlist of(MemorySegment... bufs) {
        return io.jcma.dma.internal.ScatterlistImpl.of(List.of(bufs));
    }

    /**
     * One entry per buffer, in order; see {@link #of(MemorySegment...)}.
     *
     * @throws IllegalArgumentException if there is no buffer
     */
    static Scatterlist of(List<MemorySegment> bufs) {
        return io.jcma.dma.internal.ScatterlistImpl.of(bufs);
    }

    /**
     * sg_alloc_table_from_pages(): {@code pfns} pages of simulated RAM, {@code length} bytes from
     * {@code offset} in the first; physically consecutive pages merge into one entry of at most
     * {@code maxSegment} bytes.
     *
     * @throws IllegalArgumentException if the pages cannot hold offset + length, maxSegment is
     *                                  below a page, or a pfn is not RAM of {@code dma}'s machine
     */
    static Scatterlist fromPages(Dma dma, long[] pfns, long offset, long length, long maxSegment) {
        return io.jcma.dma.internal.ScatterlistImpl.fromPages(dma, pfns, offset, length, maxSegment);
    }

    /** orig_nents: CPU entries. */
    int nents();

    /** nents after mapping: DMA segments (0 when not mapped). */
    int mappedNents();

    /**
     * The CPU buffer of entry {@code i}.
     *
     * @throws IndexOutOfBoundsException if i is outside 0..nents() - 1
     */
    MemorySegment buffer(int i);

    /**
     * sg_dma_address() of DMA segment {@code i} (0 where none is mapped).
     *
     * @throws IndexOutOfBoundsException if i is outside 0..nents() - 1
     */
    long dmaAddress(int i);

    /**
     * sg_dma_len() of DMA segment {@code i} (0 where none is mapped).
     *
     * @throws IndexOutOfBoundsException if i is outside 0..nents() - 1
     */
    long dmaLength(int i);

    /** The sum of the CPU entries' lengths. */
    default long totalLength() {
        long t = 0;
        for (int i = 0; i < nents(); i++) {
            t += buffer(i).byteSize();
        }
        return t;
    }
}

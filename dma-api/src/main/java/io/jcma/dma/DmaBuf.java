package io.jcma.dma;

/**
 * A dma-buf (drivers/dma-buf): a {@link DmaBuffer} exported with a reference count, shared with
 * other devices that attach to it and map it for themselves. The memory is freed when the last
 * reference is put.
 */
public sealed interface DmaBuf permits io.jcma.dma.internal.DmaBufImpl {

    /** The exporter's buffer. */
    DmaBuffer buffer();

    long size();

    /** The file's reference count. */
    long refcount();

    /** Whether the last reference went and the memory was freed. */
    boolean released();

    /**
     * get_dma_buf() / dma_buf_get(): one more reference.
     *
     * @throws IllegalStateException if already released
     */
    DmaBuf get();

    /**
     * dma_buf_put(): drops a reference; the last one frees the memory (attachments still present
     * are reported and torn down first).
     *
     * @throws IllegalStateException if already released
     */
    void put();

    /**
     * dma_buf_attach(): {@code importer} will use the buffer.
     *
     * @throws IllegalArgumentException if the importer is not a device of the exporter's layer
     * @throws IllegalStateException    if released
     */
    Attachment attach(Device importer);

    /** struct dma_buf_attachment. */
    sealed interface Attachment permits io.jcma.dma.internal.DmaBufImpl.AttachmentImpl {
        Device device();

        /**
         * dma_buf_map_attachment(): the buffer mapped for this device (its own DMA address, through
         * its bus offset or IOMMU).
         *
         * @throws io.jcma.cma.kernel.ErrnoException ENOMEM when it cannot be mapped
         * @throws IllegalArgumentException if dir is NONE or null
         * @throws IllegalStateException    if detached, or already mapped
         */
        Scatterlist map(DmaDirection dir);

        /**
         * dma_buf_unmap_attachment().
         *
         * @throws IllegalArgumentException if dir is NONE or null
         * @throws IllegalStateException    if {@code sgt} is not the table this attachment mapped
         */
        void unmap(Scatterlist sgt, DmaDirection dir);

        /**
         * dma_buf_detach(); unmaps first if still mapped.
         *
         * @throws IllegalStateException if already detached
         */
        void detach();
    }
}

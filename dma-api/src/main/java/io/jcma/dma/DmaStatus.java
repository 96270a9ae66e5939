package io.jcma.dma;

/**
 * The outcome of one device access to memory, as a bus reports it (QEMU's MemTxResult): the
 * access happened, nothing answered at that address, or the IOMMU (or DMA-API debug) refused it.
 * A device access never throws and never crashes the JVM.
 */
public sealed interface DmaStatus permits DmaStatus.Ok, DmaStatus.Unassigned, DmaStatus.Fault {

    /** The one success value. */
    Ok OK = new Ok();

    default boolean ok() {
        return this instanceof Ok;
    }

    /** The access reached memory. */
    record Ok() implements DmaStatus {
    }

    /** No RAM at the physical address the DMA address turned into (MEMTX_DECODE_ERROR). */
    record Unassigned(long dmaAddress, long physAddress) implements DmaStatus {
    }

    /**
     * Refused: an IOMMU translation fault (unmapped IOVA, missing permission) or, with DMA-API
     * debug, an access to memory the driver already freed.
     */
    record Fault(long dmaAddress, String reason) implements DmaStatus {
    }
}

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

    /**
     * Nothing answers at the physical address the DMA address turned into: no RAM and no
     * {@link MemoryRegion} (MEMTX_DECODE_ERROR), or a region that decodes no such offset.
     */
    record Unassigned(long dmaAddress, long physAddress) implements DmaStatus {
    }

    /**
     * Refused: an IOMMU translation fault (unmapped IOVA, missing permission), with DMA-API
     * debug an access to memory the driver already freed, or a {@link MemoryRegion} that
     * refuses the access (MEMTX_ERROR).
     */
    record Fault(long dmaAddress, String reason) implements DmaStatus {
    }
}

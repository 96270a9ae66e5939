package io.jcma.dma;

/** enum dma_data_direction, with the kernel's values and the names DMA-API debug prints. */
public enum DmaDirection {
    BIDIRECTIONAL,
    TO_DEVICE,
    FROM_DEVICE,
    NONE;

    /** The kernel's name, e.g. "DMA_TO_DEVICE" (dir2name[] of kernel/dma/debug.c). */
    public String kernelName() {
        return "DMA_" + name();
    }

    /** valid_dma_direction(): anything but NONE. */
    public boolean valid() {
        return this != NONE;
    }

    /** Whether the device may read the memory (IOMMU_READ). */
    public boolean deviceReads() {
        return this == BIDIRECTIONAL || this == TO_DEVICE;
    }

    /** Whether the device may write the memory (IOMMU_WRITE). */
    public boolean deviceWrites() {
        return this == BIDIRECTIONAL || this == FROM_DEVICE;
    }
}

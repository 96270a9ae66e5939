package io.jcma.dma;

/** The DMA_ATTR_* bits of include/linux/dma-mapping.h, with the kernel's values. */
public final class DmaAttrs {
    private DmaAttrs() {
    }

    public static final long NONE = 0;
    public static final long WEAK_ORDERING = 1L << 1;
    public static final long WRITE_COMBINE = 1L << 2;
    /** No CPU mapping: the buffer is not zeroed and has no CPU view (dma-direct and IOMMU). */
    public static final long NO_KERNEL_MAPPING = 1L << 4;
    /** Streaming maps skip the CPU sync at map and unmap (swiotlb copies nothing back). */
    public static final long SKIP_CPU_SYNC = 1L << 5;
    /** Behind an IOMMU: physically contiguous memory (CMA) instead of separate pages. */
    public static final long FORCE_CONTIGUOUS = 1L << 6;
    /** Behind an IOMMU: build the buffer from order-0 pages only. */
    public static final long ALLOC_SINGLE_PAGES = 1L << 7;
    /** No allocation-failure report (__GFP_NOWARN; no "swiotlb buffer is full"). */
    public static final long NO_WARN = 1L << 8;
    public static final long PRIVILEGED = 1L << 9;
}

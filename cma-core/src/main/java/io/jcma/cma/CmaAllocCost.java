package io.jcma.cma;

/**
 * What one cma_alloc() cost: busy retries (alloc_contig_range returning EBUSY), pages migrated
 * and bytes copied to free the range, and wall time.
 */
public record CmaAllocCost(long retries, long pagesMigrated, long bytesCopied, long nanos) {
    public static final CmaAllocCost NONE = new CmaAllocCost(0, 0, 0, 0);
}

package io.jcma.cma;

/**
 * An immutable snapshot of one area's state and counters, taken under its lock.
 *
 * @param allocPagesSuccess   pages handed out by successful cma_alloc() calls (sysfs)
 * @param allocPagesFail      pages asked for by failed calls (sysfs)
 * @param releasePagesSuccess pages given back by cma_release() (sysfs)
 * @param allocSuccess        successful calls
 * @param allocFail           failed calls
 * @param busyRetries         alloc_contig_range() EBUSY retries over all calls
 * @param pagesMigrated       pages migrated to make room, over all calls
 * @param bytesCopied         bytes copied by those migrations
 * @param allocNanos          wall time spent in successful and failed calls
 */
public record CmaMetrics(String name, long basePfn, long count, int orderPerBit, long availableCount,
                         long used, long maxchunk, long liveAllocations,
                         long allocPagesSuccess, long allocPagesFail, long releasePagesSuccess,
                         long allocSuccess, long allocFail, long busyRetries,
                         long pagesMigrated, long bytesCopied, long allocNanos) {
}

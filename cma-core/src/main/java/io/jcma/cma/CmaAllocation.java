package io.jcma.cma;

import io.jcma.cma.mm.Mm;

import java.lang.foreign.MemorySegment;

/**
 * A live CMA allocation: {@code count} pages from {@code pfn} in {@code area}, who asked for it
 * and when. The kernel cannot tell who holds its CMA pages; jcma keeps the owner label, the
 * time and (when call-site tracking is on) the caller.
 *
 * @param owner     the label the caller gave (a device name, "cma_debug", ...), or "-"
 * @param callSite  "Class.method(File.java:line)" of the caller, or "-" when not tracked
 * @param timestampNanos {@link System#nanoTime()} at allocation
 */
public record CmaAllocation(Cma area, long pfn, long count, int align, String owner, String callSite,
                            long timestampNanos, CmaAllocCost cost) {

    /** Physical address of the first page. */
    public long phys() {
        return Mm.pfnPhys(pfn);
    }

    /** Size in bytes. */
    public long size() {
        return Mm.pfnPhys(count);
    }

    public long endPfn() {
        return pfn + count;
    }

    /** The CPU's view of the pages: a slice of simulated RAM. */
    public MemorySegment segment() {
        return area.segment(pfn, count);
    }

    @Override
    public String toString() {
        return "CmaAllocation[area=" + area.name() + ", pfn=" + pfn + ", count=" + count + ", align=" + align
                + ", owner=" + owner + ", callSite=" + callSite + "]";
    }
}

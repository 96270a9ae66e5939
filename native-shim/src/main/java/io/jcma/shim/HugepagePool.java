package io.jcma.shim;

/**
 * The state of one hugetlb pool, as /sys/kernel/mm/hugepages/hugepages-&lt;kB&gt;kB lists it.
 *
 * @param total   nr_hugepages: pages in the pool
 * @param free    free_hugepages: pages not mapped by anyone
 * @param reserved resv_hugepages: free pages promised to mappings not yet faulted
 * @param surplus surplus_hugepages: pages above nr_hugepages from overcommit
 */
public record HugepagePool(HugepageSize size, long total, long free, long reserved, long surplus) {
    /** Pages a new mapping can still get: free minus those already promised. */
    public long available() {
        return Math.max(0, free - reserved);
    }
}

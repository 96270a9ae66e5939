/**
 * Real hugepages and physical addresses through the foreign function and memory API:
 * {@link io.jcma.shim.HugepageRegion}s, {@link io.jcma.shim.Pagemap} and kpageflags checks,
 * physically contiguous runs and the remap by pfn, and a {@code hugepages} memory backing whose
 * pfns are the host's. Every restricted call of jcma is in this module.
 */
package io.jcma.shim;

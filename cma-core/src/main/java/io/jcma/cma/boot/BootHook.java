package io.jcma.cma.boot;

/**
 * A piece of boot that lives outside the core (device-tree reserved memory, the swiotlb pool,
 * device models): called at the two points where the kernel would run it.
 */
public interface BootHook {
    /**
     * Early, with memblock populated and early parameters parsed, before the default CMA area is
     * reserved (where arm64 scans the DT's reserved-memory and x86 reserves its early regions).
     */
    default void reserve(EarlyBoot early) {
    }

    /**
     * Where x86's mem_init() runs: after dma_contiguous_reserve() placed the default CMA area,
     * before memblock's free memory goes to the page allocator (swiotlb_init reserves its
     * bounce buffer here).
     */
    default void memInit(EarlyBoot early) {
    }

    /** After the page allocator runs and the CMA areas are active (initcalls). */
    default void late(Machine machine) {
    }
}

package io.jcma.cma.boot;

import io.jcma.cma.of.ReservedMemHandler;

import java.util.List;

/**
 * A piece of boot that lives outside the core (the swiotlb pool, device models, reserved-memory
 * init functions): called at the points where the kernel would run it.
 */
public interface BootHook {
    /**
     * The reserved-memory init functions this layer declares (its RESERVEDMEM_OF_DECLARE
     * entries), asked once, before the device tree's /reserved-memory is scanned (not at all
     * without a device tree). They run after cma-core's own entries for the same compatible, in
     * hook order.
     */
    default List<ReservedMemHandler> reservedMemHandlers() {
        return List.of();
    }

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

/**
 * The implementation of {@link io.jcma.cma.of}, not exported, one class per file of drivers/of:
 * {@code OfFdt} (fdt.c: machine name, /chosen, memory nodes, the reserved-memory scan around
 * /memreserve/), {@code OfReservedMem} (of_reserved_mem.c: static and dynamic regions, overlaps,
 * the init table), {@code OfAddress} (address.c: dma-ranges, the DMA limit, address
 * translation) and {@code OfPlatform} (platform.c: the platform devices). Errors in a tree are
 * logged as the kernel logs them and the node is skipped.
 */
package io.jcma.cma.of.internal;

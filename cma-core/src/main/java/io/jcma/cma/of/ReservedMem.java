package io.jcma.cma.of;

import io.jcma.cma.fdt.FdtNode;

/**
 * A /reserved-memory region as its init function receives it: struct reserved_mem of
 * include/linux/of_reserved_mem.h, placed (statically by {@code reg}, or dynamically from
 * {@code size}, {@code alignment} and {@code alloc-ranges}) and reserved or marked no-map.
 *
 * @param name the node's full name, unit address included ("linux,cma", "gpu@b0000000")
 * @param node the node, for its other properties ({@code reusable}, {@code no-map}, ...)
 * @param base where it lies
 * @param size its size in bytes
 */
public record ReservedMem(String name, FdtNode node, long base, long size) {
}

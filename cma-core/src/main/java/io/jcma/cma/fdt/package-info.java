/**
 * Flattened device trees: {@link io.jcma.cma.fdt.Fdt} checks and unflattens a DTB (libfdt's
 * header and structure checks, drivers/of/fdt.c's unflattening), {@link io.jcma.cma.fdt.FdtWriter}
 * builds one. Corrupt blobs give an {@link io.jcma.cma.fdt.FdtException} naming the offset and
 * the reason, never another exception.
 */
package io.jcma.cma.fdt;

/**
 * What drivers/of makes of a device tree, as the layers above see it: the platform devices
 * ({@link io.jcma.cma.of.DeviceNode}, with their DMA ranges and own CMA area), the
 * /reserved-memory regions after their init functions ran ({@link io.jcma.cma.of.ReservedRegion}),
 * and the table of those init functions ({@link io.jcma.cma.of.ReservedMemHandler}, the kernel's
 * RESERVEDMEM_OF_DECLARE, given a {@link io.jcma.cma.of.ReservedMem} and a
 * {@link io.jcma.cma.of.ReservedMemContext}), to which a layer above adds its own through its
 * boot hook. The scan itself is in the unexported {@code io.jcma.cma.of.internal}.
 */
package io.jcma.cma.of;

/**
 * The DMA API over CMA: struct device, dma_alloc_coherent and friends, streaming mappings with
 * swiotlb, scatterlists, dma_pool, dma-buf, IOMMU domains and DMA-API debug.
 *
 * <p>This package is the API alone, as include/linux/dma-mapping.h is: sealed interfaces
 * ({@link io.jcma.dma.Dma}, {@link io.jcma.dma.Device}, {@link io.jcma.dma.DmaBuffer}, ...) whose
 * only implementations are final classes of the unexported {@code io.jcma.dma.internal}, records
 * and constants. Get instances from the static factories ({@link io.jcma.dma.Dma#boot},
 * {@link io.jcma.dma.IommuDomain#create}, {@link io.jcma.dma.Scatterlist#of}). This package names
 * the implementation only in its permits clauses and factories, as java.lang.foreign names
 * jdk.internal.foreign.
 *
 * <h2>Adding a kind of device memory</h2>
 * The one open interface is {@link io.jcma.dma.MemoryRegion}: a device model's own memory (an
 * SRAM, an MMIO aperture) is one class implementing it, placed on the bus with
 * {@link io.jcma.dma.Dma#requestMemRegion}. Device accesses and streaming mappings then reach it
 * through the layer's physical-address registry, with no change to the DMA layer.
 *
 * <h2>Memory ordering between a driver and a device thread</h2>
 * A device model reads and writes through {@link io.jcma.dma.DeviceMemory}. Naturally aligned
 * scalar loads are <em>acquire</em> and scalar stores are <em>release</em> (VarHandle access
 * modes), so a device that reads a descriptor's "ready" word sees everything the driver wrote
 * before it, and a driver that reads a status word the device wrote last sees the data before
 * it, as dma_wmb()/dma_rmb() pairs promise on real hardware. Bulk copies are plain: order them
 * with such a flag word.
 */
package io.jcma.dma;

/**
 * The DMA layer's implementation, not exported: one class per kernel file, as kernel/dma is cut.
 * <pre>
 *   DmaImpl            kernel/dma/mapping.c     the dispatcher: validates, takes the device's ops,
 *                                               traces (DmaEvents), calls DMA-API debug
 *   DmaMapOps          dma-map-ops.h            struct dma_map_ops, chosen once per device
 *     DirectOps        kernel/dma/direct.c      devices without an IOMMU
 *     IommuDmaOps      drivers/iommu/dma-iommu.c devices behind an IOMMU domain
 *   Contiguous, Pages  kernel/dma/contiguous.c  the CMA choice, and the pages both ops draw
 *   Mapping            (dma_map_page's result)  sealed: Direct, Bounced, Translated
 *   MappingTable                                live streaming mappings by device and address
 *   DeviceImpl         struct device            masks, bus offset, its ops; DriverCore: drivers/base
 *   DeviceMemoryImpl   (QEMU dma_memory_rw)     the device's side: ops' translation, then Iomem
 *   Iomem              kernel/resource.c        what answers at a physical address: RAM or a
 *                                               MemoryRegion (the registry of the device-memory seam)
 *   DmaPoolImpl        mm/dmapool.c             DmaBufImpl: drivers/dma-buf; ScatterlistImpl: lib/scatterlist.c
 *   DmaHook                                     swiotlb_init at mem_init, the layer after boot
 * </pre>
 * Sub-packages hold what depends on none of these: {@code debug} (kernel/dma/debug.c),
 * {@code swiotlb} (kernel/dma/swiotlb.c), {@code iommu} (drivers/iommu: domain, IOVA allocator,
 * page tables). Imports point from here into them and to the API, never back.
 */
package io.jcma.dma.internal;

/**
 * drivers/iommu below dma-iommu: {@code IommuDomainImpl} (iommu.c's iommu_map, iommu_unmap,
 * iommu_iova_to_phys on a domain), {@code IovaAllocator} (iova.c) and {@code IoPageTable} (the
 * last two levels of an io-pgtable). dma-iommu itself is io.jcma.dma.internal.IommuDmaOps.
 */
package io.jcma.dma.internal.iommu;

package io.jcma.dma;

/**
 * struct iommu_domain with the DMA-API's IOVA space: page tables from IOVA to physical pages with
 * read/write permissions, and a top-down IOVA allocator over [PAGE_SIZE, 2^width). Devices
 * attached to one domain share its address space. Thread-safe.
 */
public sealed interface IommuDomain permits io.jcma.dma.internal.iommu.IommuDomainImpl {
    int IOMMU_READ = 1;
    int IOMMU_WRITE = 2;

    /**
     * A DMA domain with an aperture of {@code addressWidth} bits.
     *
     * @throws IllegalArgumentException if the width is outside 13..64
     */
    static IommuDomain create(int addressWidth) {
        return new io.jcma.dma.internal.iommu.IommuDomainImpl(addressWidth);
    }

    int addressWidth();

    /** domain->geometry.aperture_end. */
    long apertureEnd();

    /**
     * iommu_map(): maps [iova, iova + size) to [phys, phys + size) with {@code prot}.
     *
     * @throws io.jcma.cma.kernel.ErrnoException EINVAL if iova, phys or size is not
     *                                           page-aligned or the range leaves the aperture,
     *                                           EEXIST-like EBUSY if a page is already mapped
     *                                           (nothing is then mapped)
     * @throws IllegalArgumentException if prot has neither IOMMU_READ nor IOMMU_WRITE
     */
    void map(long iova, long phys, long size, int prot);

    /** iommu_unmap(): unmaps and invalidates; returns the bytes that were mapped. */
    long unmap(long iova, long size);

    /** iommu_iova_to_phys(), or -1 when unmapped. */
    long iovaToPhys(long iova);

    /** The IOMMU_READ/IOMMU_WRITE bits of the page at {@code iova}, 0 when unmapped. */
    int prot(long iova);

    /** Mapped pages. */
    long mappedPages();

    /** IOVA pages allocated (in use by mappings). */
    long iovaPages();
}

package io.jcma.dma;

import io.jcma.cma.Cma;

import java.util.Optional;

/**
 * struct device as the DMA layer sees it: masks, the bus offset and limit (DT dma-ranges), the
 * NUMA node, the device's own CMA area (DT memory-region), an optional IOMMU domain, dma_parms,
 * and the driver bound to it. Create one with {@link Dma#newDevice(String)}; change the masks
 * with {@link Dma#setMask} and friends, as a driver's probe does.
 */
public sealed interface Device permits io.jcma.dma.internal.DeviceImpl {

    /** dev_name(). */
    String name();

    /** dev_driver_string(): the bound driver's name, else the bus name "platform". */
    String driverName();

    /** Whether a driver is bound (unbinding frees managed resources and checks for leaks). */
    boolean bound();

    /** *dev->dma_mask: what streaming mappings may use. */
    long dmaMask();

    /** dev->coherent_dma_mask: what coherent allocations may use. */
    long coherentDmaMask();

    /**
     * The dma-ranges offset, as struct bus_dma_region.offset: physical minus DMA address. A device
     * that sees RAM at 0 while the CPU sees it at 0x8000_0000 has offset 0x8000_0000.
     */
    long busOffset();

    /** dev->bus_dma_limit: the highest DMA address the bus passes, 0 for none. */
    long busDmaLimit();

    /** dev_to_node(), or -1 (NUMA_NO_NODE). */
    int numaNode();

    /** dev->cma_area: the device's own area (a DT memory-region), used with no fallback. */
    Optional<Cma> cmaArea();

    /** The IOMMU domain the device sits behind, if any. */
    Optional<IommuDomain> iommu();

    /** dma_get_max_seg_size(): 64 KiB unless dma_parms say otherwise. */
    long maxSegmentSize();

    /** dma_get_seg_boundary(): 4 GiB - 1 unless dma_parms say otherwise. */
    long segmentBoundaryMask();

    /** The device's side of memory. */
    DeviceMemory memory();

    /** Parameters of a new device; everything but the name has the kernel's default. */
    interface Builder {
        /** Binds the named driver at once (DMA-API debug names it in reports). */
        Builder driver(String driver);

        /** Both masks; default DMA_BIT_MASK(32), as of_dma_configure and PCI start. */
        Builder masks(long mask);

        Builder dmaMask(long mask);

        Builder coherentDmaMask(long mask);

        /** See {@link Device#busOffset()}. */
        Builder busOffset(long offset);

        Builder busDmaLimit(long limit);

        Builder numaNode(int nid);

        /** The device's own CMA area (DT memory-region). */
        Builder cmaArea(Cma area);

        /** Puts the device behind {@code domain}: its DMA addresses become IOVAs. */
        Builder iommu(IommuDomain domain);

        Builder maxSegmentSize(long bytes);

        Builder segmentBoundaryMask(long mask);

        /**
         * device_add() with these parameters; the device's DMA ops are chosen here, once.
         *
         * @throws IllegalArgumentException if a value is out of range (negative offset, node
         *                                  below -1, max segment size below a page, a boundary
         *                                  mask that is not 2^n - 1 of at least a page), the CMA
         *                                  area is not one of this machine's, the IOMMU domain
         *                                  already has devices of another layer, or a device of
         *                                  this layer has the name
         */
        Device build();
    }
}

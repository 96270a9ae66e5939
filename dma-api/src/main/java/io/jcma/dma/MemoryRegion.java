package io.jcma.dma;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * A device model's own memory on the bus, at physical addresses where the machine has no RAM:
 * a device-local SRAM, an MMIO aperture exposed for peer-to-peer DMA, a frame buffer in a BAR
 * (QEMU's MemoryRegion with its MemoryRegionOps; in the kernel, an iomem resource claimed with
 * request_mem_region(), and pci_p2pdma_add_resource() for memory other devices DMA into).
 *
 * <h2>Adding a new kind of device memory</h2>
 * A kind is one class that implements this interface; {@link Dma#requestMemRegion} places an
 * instance at a physical address. From then on, with no change to the DMA layer:
 * <ul>
 *   <li>every device's {@link DeviceMemory} reaches it wherever a DMA address translates to that
 *       range, by the device's bus offset or through its IOMMU ({@link IommuDomain#map} accepts
 *       the region's physical pages like RAM's);</li>
 *   <li>a streaming mapping of a segment inside {@link #cpuView()} maps the region's physical
 *       address (directly when the device can reach it, else through swiotlb like RAM).</li>
 * </ul>
 * Coherent allocations never come from a region (no dma_declare_coherent_memory yet).
 *
 * <h2>The contract</h2>
 * Offsets are from the region's start; the DMA layer only asks for ranges inside
 * [0, {@link #size()}) and splits an access at page boundaries only where the translation of the
 * pages is not contiguous (so a register access reaches a region as one call of its width). A
 * region answers every access with a status and must not throw: {@link DmaStatus#OK}, or
 * {@link DmaStatus.Unassigned} / {@link DmaStatus.Fault} (the DMA layer replaces the addresses
 * in it with the access's own). A region is called from device threads concurrently and orders
 * its own accesses.
 */
public interface MemoryRegion {

    /** The name /proc/iomem would show. */
    String name();

    /** Bytes: a positive multiple of the page size, fixed for the region's life. */
    long size();

    /** A device reads {@code dst.byteSize()} bytes at {@code offset}. */
    DmaStatus read(long offset, MemorySegment dst);

    /** A device writes {@code src} at {@code offset}. */
    DmaStatus write(long offset, MemorySegment src);

    /**
     * The CPU's view of the region ({@link #size()} bytes of native memory), where the CPU has
     * one (an SRAM behind a BAR that the driver maps); MMIO registers have none.
     */
    default Optional<MemorySegment> cpuView() {
        return Optional.empty();
    }
}

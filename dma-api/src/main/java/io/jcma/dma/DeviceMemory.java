package io.jcma.dma;

import java.lang.foreign.MemorySegment;

/**
 * Memory as one device sees it (QEMU's AddressSpace as dma_memory_rw() uses it): every access
 * is by DMA address, translated by the device's IOMMU (IOVA to physical, with permissions) or
 * its bus offset, and answers a {@link DmaStatus}. What answers at the physical address is RAM
 * or a device model's {@link MemoryRegion}. Values are little-endian, as PCI and the usual
 * descriptor layouts are. An access that crosses
 * a page is checked page by page; an access refused in translation writes nothing at all (a
 * region that refuses its own part answers for itself, after the parts before it).
 *
 * <p>Behind an IOMMU a device reaches only what is mapped for it; without one it reaches any
 * RAM, like real hardware, except that with DMA-API debug memory its driver freed faults.
 *
 * <p>Nothing a device does with an address throws: every answer is a status. Only the model's
 * own segment can make a call throw, as the JDK does for it, and only once the access has been
 * translated: IllegalStateException if its arena is closed, WrongThreadException if it is
 * confined to another thread, IllegalArgumentException if a read would write a read-only one.
 */
public sealed interface DeviceMemory permits io.jcma.dma.internal.DeviceMemoryImpl {

    /**
     * Copies {@code dst.byteSize()} bytes at {@code dmaAddress} into {@code dst}.
     *
     * @throws IllegalArgumentException if dst is read-only
     * @throws IllegalStateException    if dst's arena is closed
     * @throws WrongThreadException     if dst is confined to another thread
     */
    DmaStatus read(long dmaAddress, MemorySegment dst);

    /**
     * Copies {@code src} to {@code dmaAddress}.
     *
     * @throws IllegalStateException if src's arena is closed
     * @throws WrongThreadException  if src is confined to another thread
     */
    DmaStatus write(long dmaAddress, MemorySegment src);

    /** Bulk read into a byte array. */
    default DmaStatus read(long dmaAddress, byte[] dst) {
        return read(dmaAddress, MemorySegment.ofArray(dst));
    }

    /** Bulk write from a byte array. */
    default DmaStatus write(long dmaAddress, byte[] src) {
        return write(dmaAddress, MemorySegment.ofArray(src));
    }

    /** Fills {@code length} bytes with {@code value}. */
    DmaStatus fill(long dmaAddress, long length, byte value);

    DmaValue readU8(long dmaAddress);

    DmaValue readU16(long dmaAddress);

    DmaValue readU32(long dmaAddress);

    DmaValue readU64(long dmaAddress);

    DmaStatus writeU8(long dmaAddress, int value);

    DmaStatus writeU16(long dmaAddress, int value);

    DmaStatus writeU32(long dmaAddress, long value);

    DmaStatus writeU64(long dmaAddress, long value);
}

package io.jcma.devices.hw;

import io.jcma.dma.DmaStatus;
import io.jcma.dma.DmaValue;

import java.lang.foreign.MemorySegment;

/**
 * A model's only way to memory: its device's view from the DMA API
 * ({@link io.jcma.dma.DeviceMemory}: bus offset, IOMMU), with every refused access recorded as
 * a {@link BusFault} and counted. Every access answers a {@link DmaStatus}; a refused access
 * moves no byte. Values are little-endian. See the package notes for which accessors order.
 */
public sealed interface DmaPort permits io.jcma.devices.hw.internal.DmaPortImpl {

    /** Copies {@code dst.byteSize()} bytes at {@code dmaAddress} into {@code dst}. */
    DmaStatus read(long dmaAddress, MemorySegment dst);

    /** Copies {@code src} to {@code dmaAddress}. */
    DmaStatus write(long dmaAddress, MemorySegment src);

    /** Fills {@code length} bytes at {@code dmaAddress} with {@code value}. */
    DmaStatus fill(long dmaAddress, long length, byte value);

    DmaValue readU8(long dmaAddress);

    DmaValue readU16(long dmaAddress);

    /** A plain 32-bit read (a descriptor field). */
    DmaValue readU32(long dmaAddress);

    DmaValue readU64(long dmaAddress);

    DmaStatus writeU8(long dmaAddress, int value);

    DmaStatus writeU16(long dmaAddress, int value);

    DmaStatus writeU32(long dmaAddress, long value);

    DmaStatus writeU64(long dmaAddress, long value);

    /** An acquire load of an ownership word the driver published with a release store. */
    DmaValue readU32Acquire(long dmaAddress);

    /** A release store of an ownership word: every earlier write of this device is visible first. */
    DmaStatus writeU32Release(long dmaAddress, long value);

    /** Refused accesses so far. */
    long faults();
}

package io.jcma.devices.hw;

/**
 * A refused access, recorded where it happened: a device's DMA that memory did not answer
 * (unassigned, IOMMU fault), or a driver's MMIO access that the device did not accept. The board
 * keeps every one; the JUnit extension fails a test that caused one it did not declare.
 *
 * @param device  the platform device's name ("10200000.dma-controller")
 * @param kind    what kind of access
 * @param address DMA address (DMA kinds) or offset in the MMIO region (MMIO kinds)
 * @param length  bytes the access would have moved
 * @param reason  the bus's answer, as text ("IOMMU fault: write to unmapped iova 0x...")
 * @param time    the board clock's {@link Clock#nanoTime()} when it happened
 */
public record BusFault(String device, Kind kind, long address, long length, String reason, long time) {
    public enum Kind {
        DMA_READ,
        DMA_WRITE,
        MMIO_READ,
        MMIO_WRITE
    }

    /** Whether the device's own memory access faulted (not a driver's MMIO access). */
    public boolean dma() {
        return kind == Kind.DMA_READ || kind == Kind.DMA_WRITE;
    }
}

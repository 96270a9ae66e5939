package io.jcma.dma.internal;

import io.jcma.dma.DmaDirection;
import io.jcma.dma.internal.swiotlb.Swiotlb;

import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Mirrors what dma_map_page_attrs() leaves behind for one buffer (a single mapping, or one CPU
 * entry of a scatterlist): the state the unmap and sync paths need, by where the device's
 * accesses land.
 * <pre>
 *   Direct      the original itself, at phys_to_dma(phys)                  dma_direct_map_page
 *   Bounced     swiotlb slots, at phys_to_dma(slot)                        swiotlb_map
 *   Translated  an IOVA range the IOMMU maps onto the original or slots    iommu_dma_map_page
 * </pre>
 * The ops that made a mapping undo it ({@link DmaMapOps#unmapPage}); {@link #sync} is the
 * swiotlb_sync_single_* part both ops share.
 */
sealed interface Mapping {

    /** The CPU side of a streaming mapping: the driver's buffer, where it is RAM, and who asked. */
    record Request(DeviceImpl dev, MemorySegment orig, OptionalLong phys, DmaDirection dir, String site) {
        long size() {
            return orig.byteSize();
        }
    }

    /** The pages an IOVA mapping occupies: [start, start + length), page-aligned. */
    record IovaRange(long start, long length) {
    }

    /** dma-direct: the device reaches the original. */
    record Direct(Request request, long dma) implements Mapping {
        @Override
        public Optional<Swiotlb.Slot> bounce() {
            return Optional.empty();
        }
    }

    /** dma-direct through swiotlb: the device reaches the bounce slots. */
    record Bounced(Request request, long dma, Swiotlb.Slot slot) implements Mapping {
        @Override
        public Optional<Swiotlb.Slot> bounce() {
            return Optional.of(slot);
        }
    }

    /**
     * dma-iommu: the device reaches an IOVA range, mapped onto the original or, for memory that
     * is not RAM, onto bounce slots ({@code via}).
     */
    record Translated(Request request, long dma, IovaRange iova, Optional<Swiotlb.Slot> via) implements Mapping {
        @Override
        public Optional<Swiotlb.Slot> bounce() {
            return via;
        }
    }

    Request request();

    /** The DMA address the device uses. */
    long dma();

    /** The swiotlb slots the data bounces through, if it does. */
    Optional<Swiotlb.Slot> bounce();

    default DeviceImpl dev() {
        return request().dev();
    }

    default long size() {
        return request().size();
    }

    /**
     * The physical address DMA-API debug records for the entry: the original's, or the slot's
     * for memory that is not simulated RAM.
     */
    default long debugPhys() {
        OptionalLong p = request().phys();
        return p.isPresent() ? p.getAsLong() : bounce().orElseThrow().phys();
    }

    /**
     * swiotlb_sync_single_for_cpu / _for_device on [dma, dma + size), {@code dma} inside the
     * mapping: copies between the slots and the original (swiotlb_bounce(), which trims a size
     * past the mapping's end with its warning); nothing for a mapping that does not bounce.
     */
    default void sync(Swiotlb swiotlb, long dma, long size, boolean toCpu) {
        Optional<Swiotlb.Slot> slot = bounce();
        if (slot.isPresent()) {
            swiotlb.bounce(dev(), slot.get(), request().orig(), dma - dma(), size, toCpu);
        }
    }
}

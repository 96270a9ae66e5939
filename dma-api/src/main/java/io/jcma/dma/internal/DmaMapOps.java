package io.jcma.dma.internal;

import io.jcma.dma.DmaDirection;
import io.jcma.dma.DmaStatus;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Mirrors struct dma_map_ops (include/linux/dma-map-ops.h) and the choice that get_dma_ops(),
 * dma_map_direct() and use_dma_iommu() make: the operations one device's DMA goes through.
 * They are chosen once, when the device is built ({@link DeviceImpl}): {@link DirectOps} for a
 * device without an IOMMU (dma-direct, shared by all such devices of a layer), an
 * {@link IommuDmaOps} of its domain otherwise. The dispatcher ({@link DmaImpl}) validates,
 * calls these, traces and calls the debug hooks; no other class asks which ops a device has.
 *
 * <p>Every method leaves nothing behind when it fails (no pages, slots or IOVAs), also when it
 * throws because a driver's buffer went away under it.
 */
sealed interface DmaMapOps permits DirectOps, IommuDmaOps {

    /** What .alloc hands back: the pages, mapped for the device and zeroed where due. */
    record Coherent(List<Pages> pages, long dma, String source, boolean virtualCookie) {
    }

    /** A mapped scatterlist: one mapping per CPU entry, and the DMA segments the list now has. */
    record SgMapped(List<Mapping> entries, int segments) {
    }

    /** What one page of a device access translates to. */
    sealed interface Translation {
    }

    /** The physical address the access reaches. */
    record Phys(long phys) implements Translation {
    }

    /** The access is refused before it reaches memory (an IOMMU fault, no bus address). */
    record Refused(DmaStatus status) implements Translation {
    }

    /** .dma_supported: whether the device can use {@code mask}. */
    boolean supported(DeviceImpl dev, long mask);

    /** The lowest mask {@link #supported} accepts, for the EIO message of dma_set_mask(). */
    long minMask(DeviceImpl dev);

    /**
     * .alloc: {@code size} page-aligned bytes the device can reach through its coherent mask;
     * empty where the kernel returns NULL.
     */
    Optional<Coherent> alloc(DeviceImpl dev, long size, int gfp, long attrs);

    /** .free: the buffer's pages (and IOVA) go back. */
    void free(DmaBufferImpl buf);

    /** .map_page: empty where the kernel returns DMA_MAPPING_ERROR. */
    Optional<Mapping> mapPage(Mapping.Request r, long attrs);

    /** .unmap_page, with the size the unmap was given (what a bounced mapping copies back). */
    void unmapPage(Mapping m, long size, DmaDirection dir, long attrs);

    /**
     * .map_sg: maps the entries and writes the DMA segments into {@code sg}; empty (nothing
     * mapped) where the kernel returns 0.
     */
    Optional<SgMapped> mapSg(ScatterlistImpl sg, List<Mapping.Request> entries, long attrs);

    /**
     * .unmap_sg: undoes every entry even when one copy-back throws; the first failure is
     * rethrown.
     */
    void unmapSg(List<Mapping> entries, DmaDirection dir, long attrs);

    /**
     * The device's side of the same choice: where a device access at {@code dma} (one page)
     * goes, as the bus or the IOMMU translates it.
     */
    Translation translate(DeviceImpl dev, long dma, boolean write);

    /** Undoes each of {@code entries}, the first failure rethrown after all are undone. */
    static void unmapEach(DmaMapOps ops, List<Mapping> entries, DmaDirection dir, long attrs) {
        releaseEach(entries, m -> ops.unmapPage(m, m.size(), dir, attrs));
    }

    /**
     * Runs {@code release} on every item even when one throws; the first failure is rethrown
     * afterwards with the later ones suppressed in it (an unmap must not leave half a list).
     */
    static <T> void releaseEach(List<T> items, Consumer<T> release) {
        RuntimeException failure = null;
        for (T item : items) {
            try {
                release.accept(item);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}

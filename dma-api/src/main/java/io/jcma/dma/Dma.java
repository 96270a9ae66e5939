package io.jcma.dma;

import io.jcma.cma.boot.BootHook;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import io.jcma.cma.mm.Gfp;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

/**
 * The DMA API of one simulated machine (include/linux/dma-mapping.h): coherent allocations,
 * streaming mappings with swiotlb bouncing, scatterlists, pools, dma-buf, and DMA-API debug.
 *
 * <h2>Getting one</h2>
 * The swiotlb bounce buffer is reserved during boot, so the layer comes with a boot hook:
 * <pre>{@code
 *   Dma.Hook hook = Dma.hook(DmaOptions.defaults());
 *   Machine m = Machine.boot(platform, List.of(hook));
 *   Dma dma = hook.dma();               // or simply Dma.boot(platform, options)
 * }</pre>
 * Attaching registers /sys/kernel/debug/dma-api/* in the machine's pseudo files.
 *
 * <h2>Coherent allocation routing (dma_direct_alloc, dma_alloc_contiguous)</h2>
 * <ol>
 *   <li>size = PAGE_ALIGN(size); the caller's zone modifiers are dropped (dma_alloc_attrs).</li>
 *   <li>gfp gets the zone the coherent mask falls in (dma_direct_optimal_gfp_mask): GFP_DMA if
 *       the mask's physical limit is within ZONE_DMA, GFP_DMA32 if within 4 GiB.</li>
 *   <li>CMA: the device's own area (any size, never falls back); else nothing for one page;
 *       else, on a NUMA node and without a zone modifier, "pernuma%d" then "numa%d"; else the
 *       default area. align = min(get_order(size), CONFIG_CMA_ALIGNMENT = 8).</li>
 *   <li>The result must satisfy dma + size - 1 &lt;= min_not_zero(coherent mask, bus limit), else
 *       it goes back.</li>
 *   <li>Otherwise alloc_pages(get_order(size)) (orders above MAX_PAGE_ORDER fail); memory the
 *       mask cannot reach is freed and the allocation retried with GFP_DMA32, then GFP_DMA.</li>
 *   <li>The memory is zeroed (discarded where the backing can), unless NO_KERNEL_MAPPING.</li>
 * </ol>
 * Behind an IOMMU (iommu_dma_alloc): pages of the largest orders the IOMMU maps (2 MiB, then
 * 4 KiB; only 4 KiB with ALLOC_SINGLE_PAGES), or one contiguous CMA/page allocation with
 * FORCE_CONTIGUOUS, mapped at a top-down IOVA below the coherent mask. jcma cannot vmap
 * scattered pages into one CPU view, so a multi-page buffer with a CPU mapping tries the
 * contiguous way first and falls back to the page-by-page one (whose CPU view is then per
 * chunk: {@link DmaBuffer#chunks()}).
 *
 * <h2>Streaming (dma_direct_map_page, swiotlb_map)</h2>
 * Memory that is not simulated RAM, that the mask cannot reach, or any memory with
 * {@code swiotlb=force}, bounces through swiotlb: map copies the buffer into the slots whatever
 * the direction (6.12), sync_for_device copies in for TO_DEVICE/BIDIRECTIONAL, sync_for_cpu and
 * unmap copy back for FROM_DEVICE/BIDIRECTIONAL (unmap not with SKIP_CPU_SYNC).
 *
 * <p>Failures that the kernel returns as NULL or DMA_MAPPING_ERROR are results here (empty,
 * {@link #DMA_MAPPING_ERROR}); misuse is an exception after DMA-API debug has reported it.
 *
 * <h2>Exceptions</h2>
 * <ul>
 *   <li>IllegalArgumentException for a bad value (size, direction, count), for a device or
 *       buffer that is not one of this layer (null, or made by another machine's layer), and
 *       for a null scatterlist. The message names the value: {@code "device: x (expected: a device of
 *       this DMA layer)"}.</li>
 *   <li>IllegalStateException for what is freed, unmapped, exported or already in use.</li>
 *   <li>ErrnoException with the kernel's errno where a kernel call returns one (EIO, EBUSY).</li>
 *   <li>The JDK's own exceptions for a driver's segment that swiotlb must copy (at map, sync
 *       or unmap): IllegalStateException if its arena is closed, WrongThreadException if it is
 *       confined to another thread, IllegalArgumentException if it is read-only and must be
 *       written. They propagate after the layer's state is restored: nothing stays mapped by a
 *       map that throws, and an unmap that throws has unmapped.</li>
 *   <li>NullPointerException for any other null argument.</li>
 * </ul>
 */
public sealed interface Dma permits io.jcma.dma.internal.DmaImpl {

    /** DMA_MAPPING_ERROR: (dma_addr_t)-1. */
    long DMA_MAPPING_ERROR = -1L;

    /**
     * DMA_BIT_MASK(n).
     *
     * @throws IllegalArgumentException if n is outside 0..64
     */
    static long bitMask(int n) {
        if (n < 0 || n > 64) {
            throw new IllegalArgumentException("n: " + n + " (expected: 0..64)");
        }
        return n == 64 ? -1L : (1L << n) - 1;
    }

    /** The boot hook that reserves swiotlb and, once the machine is up, creates the layer. */
    interface Hook extends BootHook {
        /**
         * @throws IllegalStateException before the machine has booted
         */
        Dma dma();
    }

    /** A hook for {@code Machine.boot(platform, List.of(hook))}; one boot per hook. */
    static Hook hook(DmaOptions options) {
        return new io.jcma.dma.internal.DmaHook(options);
    }

    /**
     * Boots {@code platform} with the DMA layer; close {@link #machine()} when done.
     *
     * @throws IllegalArgumentException as {@link Machine#boot(Platform, List)} (no RAM,
     *                                  overlapping ranges)
     * @throws io.jcma.cma.kernel.ErrnoException ENOMEM if the backing cannot map the RAM
     */
    static Dma boot(Platform platform, DmaOptions options) {
        Hook h = hook(options);
        Machine.boot(platform, List.of(h));
        return h.dma();
    }

    /**
     * Attaches to a machine booted without the hook: no swiotlb, so nothing can bounce. A
     * second layer on the same machine replaces the first's debugfs files.
     */
    static Dma attach(Machine machine, DmaOptions options) {
        return io.jcma.dma.internal.DmaImpl.create(machine, options, Optional.empty());
    }

    Machine machine();

    DmaOptions options();

    DmaDebug debug();

    /** The swiotlb pool: total slots, used slots, physical start; absent without one. */
    Optional<SwiotlbInfo> swiotlb();

    /** io_tlb_mem as io_tlb_used / io_tlb_nslabs show it. */
    record SwiotlbInfo(long start, long nslabs, long used) {
    }

    /**
     * request_mem_region() for a device model's own memory: from now on {@code region} answers
     * device accesses at [start, start + region.size()), and its CPU view maps there (see
     * {@link MemoryRegion}).
     *
     * @throws IllegalArgumentException if start or the size is not page-aligned, the size is
     *                                  not positive, the range wraps, overlaps RAM or a region
     *                                  already there (or this one), or the CPU view is not
     *                                  size bytes of native memory
     */
    void requestMemRegion(long start, MemoryRegion region);

    /**
     * release_mem_region(): the region no longer answers (accesses there are unassigned again).
     *
     * @throws IllegalStateException if the region is not on this layer's bus (never requested,
     *                               or released already)
     */
    void releaseMemRegion(MemoryRegion region);

    /**
     * A new device named {@code name}, created by {@link Device.Builder#build()}.
     *
     * @throws IllegalArgumentException if the name is null or empty
     */
    Device.Builder newDevice(String name);

    /**
     * device_release_driver(): frees managed (dmam_*) resources, then reports leaks.
     *
     * @throws IllegalArgumentException if the device is not one of this layer
     * @throws IllegalStateException    if no driver is bound
     */
    void unbind(Device dev);

    /**
     * Binds {@code driver} to an unbound device.
     *
     * @throws IllegalArgumentException if the device is not one of this layer, or the driver
     *                                  name is null or empty
     * @throws io.jcma.cma.kernel.ErrnoException EBUSY if a driver is bound already
     */
    void bind(Device dev, String driver);

    /**
     * dma_supported().
     *
     * @throws IllegalArgumentException if the device is not one of this layer
     */
    boolean supported(Device dev, long mask);

    /**
     * dma_set_mask().
     *
     * @throws IllegalArgumentException if the device is not one of this layer
     * @throws io.jcma.cma.kernel.ErrnoException EIO when the mask does not cover the lowest
     *                                           memory the device can be given (ZONE_DMA's end)
     */
    void setMask(Device dev, long mask);

    /**
     * dma_set_coherent_mask().
     *
     * @throws IllegalArgumentException if the device is not one of this layer
     * @throws io.jcma.cma.kernel.ErrnoException EIO as {@link #setMask}
     */
    void setCoherentMask(Device dev, long mask);

    /**
     * dma_set_mask_and_coherent().
     *
     * @throws IllegalArgumentException if the device is not one of this layer
     * @throws io.jcma.cma.kernel.ErrnoException EIO as {@link #setMask}, both masks then unchanged
     */
    void setMaskAndCoherent(Device dev, long mask);

    /**
     * dma_alloc_coherent(dev, size, GFP_KERNEL); see {@link #allocAttrs}.
     *
     * @throws IllegalArgumentException if the device is not one of this layer, or size is not
     *                                  positive
     */
    default Optional<DmaBuffer> allocCoherent(Device dev, long size) {
        return allocAttrs(dev, size, Gfp.KERNEL, DmaAttrs.NONE);
    }

    /**
     * dma_alloc_attrs(): see the class comment for the routing. Empty (NULL) when no memory the
     * device can reach could be had.
     *
     * @throws IllegalArgumentException if the device is not one of this layer, or size is not
     *                                  positive
     */
    Optional<DmaBuffer> allocAttrs(Device dev, long size, int gfp, long attrs);

    /**
     * dma_free_coherent(); {@code size} is what the driver says it allocated (DMA-API debug
     * checks it).
     *
     * @throws IllegalArgumentException if the device or the buffer is not one of this layer
     * @throws IllegalStateException    if the buffer is not a live allocation of {@code dev}
     *                                  (double free, wrong device), after DMA-API debug reports
     *                                  it, or is exported as a dma-buf
     */
    default void freeCoherent(Device dev, long size, DmaBuffer buf) {
        freeAttrs(dev, size, buf, DmaAttrs.NONE);
    }

    /**
     * dma_free_attrs().
     *
     * @throws IllegalArgumentException if the device or the buffer is not one of this layer
     * @throws IllegalStateException    as {@link #freeCoherent}
     */
    void freeAttrs(Device dev, long size, DmaBuffer buf, long attrs);

    /**
     * dmam_alloc_coherent(): freed when the driver unbinds.
     *
     * @throws IllegalArgumentException as {@link #allocAttrs}
     */
    Optional<DmaBuffer> dmamAllocCoherent(Device dev, long size, int gfp);

    /**
     * dmam_free_coherent().
     *
     * @throws IllegalArgumentException if the device or the buffer is not one of this layer
     * @throws IllegalStateException    if the buffer was not allocated with dmam_alloc_coherent,
     *                                  or as {@link #freeCoherent}
     */
    void dmamFreeCoherent(Device dev, long size, DmaBuffer buf);

    /**
     * dma_map_single(): {@code buf} may be any segment; what the device cannot reach bounces.
     *
     * @throws IllegalArgumentException as {@link #mapSingleAttrs}
     * @throws IllegalStateException    as {@link #mapSingleAttrs}
     * @throws WrongThreadException     as {@link #mapSingleAttrs}
     */
    default long mapSingle(Device dev, MemorySegment buf, DmaDirection dir) {
        return mapSingleAttrs(dev, buf, dir, DmaAttrs.NONE);
    }

    /**
     * dma_map_single_attrs(): the DMA address, or {@link #DMA_MAPPING_ERROR}.
     *
     * @throws IllegalArgumentException if the device is not one of this layer, dir is NONE or
     *                                  null, or the segment is empty
     * @throws IllegalStateException    if the segment must bounce and its arena is closed
     * @throws WrongThreadException     if the segment must bounce and is confined to another
     *                                  thread
     */
    long mapSingleAttrs(Device dev, MemorySegment buf, DmaDirection dir, long attrs);

    /**
     * dma_map_page(): {@code size} bytes at {@code offset} in page {@code pfn} of simulated RAM.
     *
     * @throws IllegalArgumentException if the device is not one of this layer, dir is NONE or
     *                                  null, size is not positive, offset is negative, or the
     *                                  range is not RAM of one bank
     */
    long mapPage(Device dev, long pfn, long offset, long size, DmaDirection dir, long attrs);

    /**
     * dma_unmap_single(); see {@link #unmapSingleAttrs}.
     *
     * @throws IllegalArgumentException as {@link #unmapSingleAttrs}
     * @throws IllegalStateException    as {@link #unmapSingleAttrs}
     * @throws WrongThreadException     as {@link #unmapSingleAttrs}
     */
    default void unmapSingle(Device dev, long dmaAddress, long size, DmaDirection dir) {
        unmapSingleAttrs(dev, dmaAddress, size, dir, DmaAttrs.NONE);
    }

    /**
     * dma_unmap_single_attrs() / dma_unmap_page_attrs().
     *
     * @throws IllegalArgumentException if the device is not one of this layer, dir is NONE or
     *                                  null, or a bounced original to copy back is read-only
     * @throws IllegalStateException    if nothing is mapped at that address for the device,
     *                                  after DMA-API debug reports it, or a bounced original's
     *                                  arena is closed (the mapping is gone all the same)
     * @throws WrongThreadException     if a bounced original is confined to another thread
     */
    void unmapSingleAttrs(Device dev, long dmaAddress, long size, DmaDirection dir, long attrs);

    /**
     * dma_mapping_error(): also marks the mapping checked for DMA-API debug.
     *
     * @throws IllegalArgumentException if the device is not one of this layer
     */
    boolean mappingError(Device dev, long dmaAddress);

    /**
     * dma_sync_single_for_cpu(); {@code dmaAddress} may point inside a mapping.
     *
     * @throws IllegalArgumentException if the device is not one of this layer, dir is NONE or
     *                                  null, or a bounced original is read-only
     * @throws IllegalStateException    if a bounced original's arena is closed
     * @throws WrongThreadException     if a bounced original is confined to another thread
     */
    void syncSingleForCpu(Device dev, long dmaAddress, long size, DmaDirection dir);

    /**
     * dma_sync_single_for_device().
     *
     * @throws IllegalArgumentException if the device is not one of this layer, or dir is NONE
     *                                  or null
     * @throws IllegalStateException    if a bounced original's arena is closed
     * @throws WrongThreadException     if a bounced original is confined to another thread
     */
    void syncSingleForDevice(Device dev, long dmaAddress, long size, DmaDirection dir);

    /**
     * dma_map_sg_attrs(): the number of DMA segments, 0 on failure (nothing stays mapped).
     *
     * @throws IllegalArgumentException if the device is not one of this layer, the list is
     *                                  null, dir is NONE or null, nents is outside 1..sg.nents(),
     *                                  or a zero-length entry must bounce (swiotlb would hit the
     *                                  kernel's BUG_ON(!nslots); nothing stays mapped)
     * @throws IllegalStateException    if the list is already mapped, or an entry that must
     *                                  bounce has its arena closed (nothing stays mapped)
     * @throws WrongThreadException     if an entry that must bounce is confined to another
     *                                  thread (nothing stays mapped)
     */
    int mapSg(Device dev, Scatterlist sg, int nents, DmaDirection dir, long attrs);

    /**
     * dma_unmap_sg_attrs(); {@code nents} is the count passed to map, as the kernel wants.
     *
     * @throws IllegalArgumentException if the device is not one of this layer, the list is
     *                                  null, dir is NONE or null, or a bounced entry is read-only
     * @throws IllegalStateException    if the device has not mapped the list, after DMA-API
     *                                  debug reports it, or a bounced entry's arena is closed
     *                                  (every entry is unmapped all the same)
     * @throws WrongThreadException     if a bounced entry is confined to another thread
     */
    void unmapSg(Device dev, Scatterlist sg, int nents, DmaDirection dir, long attrs);

    /**
     * dma_sync_sg_for_cpu(): the bounced entries copy back (FROM_DEVICE, BIDIRECTIONAL).
     *
     * @throws IllegalArgumentException if the device is not one of this layer, the list is
     *                                  null, dir is NONE or null, or a bounced entry is read-only
     * @throws IllegalStateException    if a bounced entry's arena is closed
     * @throws WrongThreadException     if a bounced entry is confined to another thread
     */
    void syncSgForCpu(Device dev, Scatterlist sg, int nents, DmaDirection dir);

    /**
     * dma_sync_sg_for_device(): the bounced entries copy in (TO_DEVICE, BIDIRECTIONAL).
     *
     * @throws IllegalArgumentException if the device is not one of this layer, the list is
     *                                  null, or dir is NONE or null
     * @throws IllegalStateException    if a bounced entry's arena is closed
     * @throws WrongThreadException     if a bounced entry is confined to another thread
     */
    void syncSgForDevice(Device dev, Scatterlist sg, int nents, DmaDirection dir);

    /**
     * dma_pool_create(): empty where the kernel returns NULL: align not a power of two, size 0
     * or above INT_MAX, boundary not a power of two or below the rounded size; and for a null
     * device, as the kernel's dma_pool_create(name, NULL, ...) does.
     *
     * @throws IllegalArgumentException if the device is not null and not one of this layer
     */
    Optional<DmaPool> poolCreate(String name, Device dev, long size, long align, long boundary);

    /**
     * dmam_pool_create(): destroyed when the driver unbinds; empty as {@link #poolCreate}.
     *
     * @throws IllegalArgumentException if the device is not null and not one of this layer
     */
    Optional<DmaPool> dmamPoolCreate(String name, Device dev, long size, long align, long boundary);

    /**
     * dma_buf_export(): the buffer becomes a dma-buf with one reference; it is freed when the
     * last reference is put (the exporter must no longer free it itself).
     *
     * @throws IllegalArgumentException if the buffer is not one of this layer
     * @throws IllegalStateException    if the buffer is freed or already exported
     */
    DmaBuf bufExport(DmaBuffer buf);
}

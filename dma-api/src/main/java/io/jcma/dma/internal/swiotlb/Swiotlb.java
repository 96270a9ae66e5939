package io.jcma.dma.internal.swiotlb;

import io.jcma.cma.boot.Cmdline;
import io.jcma.cma.boot.EarlyBoot;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.fs.KernelFs;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.cma.mm.Mm;
import io.jcma.dma.Device;
import io.jcma.dma.Dma;
import io.jcma.dma.DmaAttrs;
import io.jcma.dma.DmaDirection;

import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongUnaryOperator;

/**
 * Mirrors kernel/dma/swiotlb.c: the default bounce pool (io_tlb_default_mem), reserved at
 * mem_init time by {@link #init swiotlb_init()}, its slots taken by
 * {@link #tblMapSingle swiotlb_tbl_map_single()} and given back by
 * {@link #tblUnmapSingle swiotlb_tbl_unmap_single()}, the copies of swiotlb_bounce(), and the
 * debugfs files of swiotlb_create_debugfs_files(). The slot search is {@link SwiotlbSlots}.
 *
 * <h2>The bounce rules (swiotlb_tbl_map_single, swiotlb_sync_single_*, swiotlb_release_slots)</h2>
 * <ol>
 *   <li>map copies the original into the slots whatever the direction (6.12: a device that
 *       writes only part of the buffer leaves the rest as it was).</li>
 *   <li>sync_for_device copies in for TO_DEVICE/BIDIRECTIONAL; sync_for_cpu copies back for
 *       FROM_DEVICE/BIDIRECTIONAL (the callers decide, as dma-direct and dma-iommu do), from
 *       the synced address on; a sync that runs past the mapping's end is trimmed to it with
 *       "Buffer overflow detected" ({@link #bounce}).</li>
 *   <li>unmap copies back the size given to the unmap for FROM_DEVICE/BIDIRECTIONAL unless
 *       DMA_ATTR_SKIP_CPU_SYNC, then releases the slots, even when the copy throws (the
 *       original's arena closed).</li>
 * </ol>
 *
 * <p>Without a pool (booted without the hook, or {@code swiotlb=noforce}) nothing can bounce:
 * map says "Can not allocate SWIOTLB buffer earlier ..." and fails, as with no io_tlb_mem.
 */
public final class Swiotlb {
    /** What swiotlb_init() reserved: start, slots, swiotlb=force. */
    public record Reservation(long start, int nslabs, boolean force) {
    }

    /**
     * The slots of one bounce mapping: the first slot's index, its physical address and the
     * bounce buffer itself ({@code size} bytes of the pool).
     */
    public record Slot(int index, long phys, MemorySegment buffer) {
        /** swiotlb_bounce() towards the device: [off, off + n) of the original into the slot. */
        public void copyIn(MemorySegment orig, long off, long n) {
            MemorySegment.copy(orig, off, buffer, off, n);
        }

        /** swiotlb_bounce() towards the CPU: [off, off + n) of the slot back to the original. */
        public void copyOut(MemorySegment orig, long off, long n) {
            MemorySegment.copy(buffer, off, orig, off, n);
        }
    }

    private final KernelLog log;
    private final SwiotlbSlots slots;
    private final long start;
    private final boolean force;
    private final MemorySegment pool;
    /** dev_WARN_ONCE()'s once for the overflow warning of swiotlb_bounce(). */
    private final AtomicBoolean overflowWarned = new AtomicBoolean();

    private Swiotlb(KernelLog log, SwiotlbSlots slots, long start, boolean force, MemorySegment pool) {
        this.log = log;
        this.slots = slots;
        this.start = start;
        this.force = force;
        this.pool = pool;
    }

    /**
     * swiotlb_init() with setup_io_tlb_npages(): the bounce buffer from memblock below 4 GiB
     * (memblock_alloc_low), or anywhere with {@code any} (SWIOTLB_ANY);
     * {@code swiotlb=<slabs>[,<areas>][,force|noforce]} sizes it (default 64 MiB). Unlike x86,
     * which sets up swiotlb only when RAM reaches above 4 GiB, jcma always does: memory that is
     * not simulated RAM (a heap segment) can reach a device only through it.
     *
     * @return empty with swiotlb=noforce, or when memblock has no room (logged)
     */
    public static Optional<Reservation> init(EarlyBoot early, boolean any) {
        long nslabs = SwiotlbSlots.IO_TLB_DEFAULT_SIZE >>> SwiotlbSlots.IO_TLB_SHIFT;
        boolean force = false;
        for (Cmdline.Param p : early.cmdline().all("swiotlb")) {
            String v = p.value() == null ? "" : p.value();
            for (String part : v.split(",")) {
                if (part.equals("force")) {
                    force = true;
                } else if (part.equals("noforce")) {
                    early.log().info("software IO TLB: swiotlb disabled (swiotlb=noforce)");
                    return Optional.empty();
                }
            }
            if (!v.isEmpty() && Character.isDigit(v.charAt(0))) {
                String n = v.split(",")[0];
                try {
                    long slabs = Long.parseLong(n);
                    if (slabs > 0) {
                        nslabs = Mm.alignUp(slabs, SwiotlbSlots.IO_TLB_SEGSIZE);
                    }
                } catch (NumberFormatException e) {
                    // the kernel's simple_strtoul stops at the first bad digit; a bad number keeps the default
                }
            }
        }
        long bytes = nslabs << SwiotlbSlots.IO_TLB_SHIFT;
        // swiotlb_memblock_alloc(): memblock_alloc() with SWIOTLB_ANY, memblock_alloc_low() without
        long limit = any ? early.memblock().end() : Mm.SZ_4G;
        long start = early.memblock().allocRangeNid(bytes, Mm.PAGE_SIZE, 0, limit, Mm.NUMA_NO_NODE, false);
        if (start == 0) {
            early.log().warn("software IO TLB: swiotlb_init_remap: failed to allocate tlb structure");
            return Optional.empty();
        }
        early.log().info("software IO TLB: mapped [mem " + Mm.pa(start) + "-" + Mm.pa(start + bytes) + "] ("
                + (bytes >> 20) + "MB)");
        return Optional.of(new Reservation(start, (int) nslabs, force));
    }

    /**
     * The pool of a booted machine (swiotlb_init_io_tlb_pool on the reservation), with its
     * debugfs files; with no reservation, the state of a kernel without io_tlb_mem.
     */
    public static Swiotlb create(Machine machine, Optional<Reservation> reservation) {
        if (reservation.isEmpty()) {
            return new Swiotlb(machine.log(), null, 0, false, null);
        }
        Reservation r = reservation.get();
        MemorySegment pool = machine.memory().segment(Mm.pfnDown(r.start()),
                ((long) r.nslabs() << SwiotlbSlots.IO_TLB_SHIFT) >>> Mm.PAGE_SHIFT);
        Swiotlb s = new Swiotlb(machine.log(), new SwiotlbSlots(r.nslabs()), r.start(), r.force(), pool);
        s.createDebugfsFiles(machine.fs());
        return s;
    }

    /** swiotlb_create_debugfs_files(): io_tlb_nslabs and io_tlb_used. */
    private void createDebugfsFiles(KernelFs fs) {
        fs.registerFile("/sys/kernel/debug/swiotlb/io_tlb_nslabs", () -> slots.nslabs() + "\n", null);
        fs.registerFile("/sys/kernel/debug/swiotlb/io_tlb_used", () -> slots.used() + "\n", null);
    }

    /** is_swiotlb_active(): whether there is a pool to bounce through. */
    public boolean active() {
        return slots != null;
    }

    /** is_swiotlb_force_bounce(): swiotlb=force, every streaming mapping bounces. */
    public boolean forceBounce() {
        return force;
    }

    /** io_tlb_used / io_tlb_nslabs as the API reports them; empty without a pool. */
    public Optional<Dma.SwiotlbInfo> info() {
        return active() ? Optional.of(new Dma.SwiotlbInfo(start, slots.nslabs(), slots.used())) : Optional.empty();
    }

    private static String devPrefix(Device dev) {
        return dev.driverName() + " " + dev.name() + ": ";
    }

    /**
     * swiotlb_tbl_map_single(): slots for {@code orig}, with the original copied in; empty when
     * there is no pool or it is full ("swiotlb buffer is full" unless DMA_ATTR_NO_WARN).
     *
     * @param poolDma   phys_to_dma() of the device: where the device sees the pool, for the
     *                  segment boundary (DMA_MAPPING_ERROR counts as 0)
     * @param traceDma  the original's DMA address for the swiotlb_bounced event, -1 for memory
     *                  that is not simulated RAM
     * @throws IllegalStateException if the original cannot be read (its arena closed); the
     *                               slots are released first
     * @throws IllegalArgumentException if {@code orig} is empty: the kernel's slot search hits
     *                                  BUG_ON(!nslots) there
     */
    public Optional<Slot> tblMapSingle(Device dev, MemorySegment orig, long attrs, LongUnaryOperator poolDma,
                                       long traceDma) {
        if (!active()) {
            log.warn(devPrefix(dev) + "Can not allocate SWIOTLB buffer earlier and can't now provide you with the DMA bounce buffer");
            return Optional.empty();
        }
        long size = orig.byteSize();
        if (size == 0) {
            // the kernel asks swiotlb_find_slots() for zero slots and stops at BUG_ON(!nslots)
            throw new IllegalArgumentException("swiotlb_tbl_map_single: dev=" + dev.name() + " size: 0 (expected: > 0;"
                    + " a zero-length buffer that must bounce is a kernel BUG)");
        }
        long pd = poolDma.applyAsLong(start);
        int index = slots.find(size, pd == Dma.DMA_MAPPING_ERROR ? 0 : pd, dev.segmentBoundaryMask());
        if (index < 0) {
            if ((attrs & DmaAttrs.NO_WARN) == 0) {
                log.warn(devPrefix(dev) + "swiotlb buffer is full (sz: " + size + " bytes), total " + slots.nslabs()
                        + " (slots), used " + slots.used() + " (slots)");
            }
            return Optional.empty();
        }
        Slot slot = new Slot(index, start + ((long) index << SwiotlbSlots.IO_TLB_SHIFT),
                pool.asSlice((long) index << SwiotlbSlots.IO_TLB_SHIFT, size));
        SwiotlbBouncedEvent ev = new SwiotlbBouncedEvent();
        if (ev.shouldCommit()) {
            ev.device = dev.name();
            ev.dmaAddress = traceDma;
            ev.size = size;
            ev.commit();
        }
        try {
            slot.copyIn(orig, 0, size);
        } catch (RuntimeException | Error e) {
            // the original is gone (closed arena): the slot must not outlive the failed map
            slots.release(index);
            throw e;
        }
        return Optional.of(slot);
    }

    /**
     * swiotlb_tbl_unmap_single(): copies back {@code size} bytes, the size given to the unmap, for
     * FROM_DEVICE/BIDIRECTIONAL (not with DMA_ATTR_SKIP_CPU_SYNC), then releases the slots. A
     * size past the mapping is trimmed with swiotlb_bounce()'s warning.
     *
     * @throws IllegalStateException if the original cannot be written (its arena closed); the
     *                               slots are released all the same
     */
    public void tblUnmapSingle(Device dev, Slot slot, MemorySegment orig, long size, DmaDirection dir, long attrs) {
        try {
            if ((attrs & DmaAttrs.SKIP_CPU_SYNC) == 0 && (dir == DmaDirection.FROM_DEVICE || dir == DmaDirection.BIDIRECTIONAL)) {
                bounce(dev, slot, orig, 0, size, true);
            }
        } finally {
            slots.release(slot.index());
        }
    }

    /**
     * swiotlb_bounce(): copies {@code size} bytes at offset {@code off} of the mapping between
     * the slots and the original, towards the CPU or the device. What lies past the mapping's
     * end is not copied: the kernel's dev_WARN_ONCE "Buffer overflow detected. Allocation size:
     * %zu. Mapping size: %zu." (the bytes left from {@code off} to the end, and the size asked
     * for), once per boot, and the copy trimmed to the mapping.
     */
    public void bounce(Device dev, Slot slot, MemorySegment orig, long off, long size, boolean toCpu) {
        long allocSize = orig.byteSize() - off;
        if (size > allocSize) {
            if (overflowWarned.compareAndSet(false, true)) {
                log.warn(devPrefix(dev) + "Buffer overflow detected. Allocation size: " + allocSize + ". Mapping size: "
                        + size + ".");
            }
            size = allocSize;
        }
        if (size <= 0) {
            return;
        }
        if (toCpu) {
            slot.copyOut(orig, off, size);
        } else {
            slot.copyIn(orig, off, size);
        }
    }
}

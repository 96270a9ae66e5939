package io.jcma.dma;

import io.jcma.cma.boot.Cmdline;
import io.jcma.cma.boot.EarlyBoot;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.mm.Mm;
import io.jcma.dma.internal.SwiotlbSlots;

/**
 * swiotlb_init() at mem_init time: the bounce buffer from memblock below 4 GiB
 * (memblock_alloc_low), or anywhere with {@link DmaOptions#swiotlbAny()} (SWIOTLB_ANY), {@code swiotlb=<slabs>[,<areas>][,force|noforce]} sizing it (default 64 MiB).
 * Unlike x86, which sets up swiotlb only when RAM reaches above 4 GiB, jcma always does: memory
 * that is not simulated RAM (a heap segment) can reach a device only through it.
 */
final class DmaHook implements Dma.Hook {
    /** What was reserved: start, slots, swiotlb=force. */
    record Reservation(long start, int nslabs, boolean force) {
    }

    private final DmaOptions options;
    private Reservation reservation;
    private volatile Dma dma;

    DmaHook(DmaOptions options) {
        this.options = options;
    }

    @Override
    public void memInit(EarlyBoot early) {
        long nslabs = SwiotlbSlots.IO_TLB_DEFAULT_SIZE >>> SwiotlbSlots.IO_TLB_SHIFT;
        boolean force = false;
        for (Cmdline.Param p : early.cmdline().all("swiotlb")) {
            String v = p.value() == null ? "" : p.value();
            for (String part : v.split(",")) {
                if (part.equals("force")) {
                    force = true;
                } else if (part.equals("noforce")) {
                    early.log().info("software IO TLB: swiotlb disabled (swiotlb=noforce)");
                    return;
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
        long limit = options.swiotlbAny() ? early.memblock().end() : Mm.SZ_4G;
        long start = early.memblock().allocRangeNid(bytes, Mm.PAGE_SIZE, 0, limit, Mm.NUMA_NO_NODE, false);
        if (start == 0) {
            early.log().warn("software IO TLB: swiotlb_init_remap: failed to allocate tlb structure");
            return;
        }
        early.log().info("software IO TLB: mapped [mem " + Mm.pa(start) + "-" + Mm.pa(start + bytes) + "] ("
                + (bytes >> 20) + "MB)");
        reservation = new Reservation(start, (int) nslabs, force);
    }

    @Override
    public void late(Machine machine) {
        dma = DmaImpl.create(machine, options, reservation);
    }

    @Override
    public Dma dma() {
        Dma d = dma;
        if (d == null) {
            throw new IllegalStateException("dma: the machine has not booted with this hook yet");
        }
        return d;
    }
}

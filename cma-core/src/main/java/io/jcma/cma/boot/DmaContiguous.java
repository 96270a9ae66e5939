package io.jcma.cma.boot;

import io.jcma.cma.Cma;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.of.ReservedMem;
import io.jcma.cma.of.ReservedMemContext;
import io.jcma.cma.of.ReservedMemHandler;

/**
 * Mirrors the boot side of kernel/dma/contiguous.c: dma_contiguous_reserve() (the per-node
 * areas of {@code cma_pernuma=} / {@code numa_cma=}, dma_numa_cma_reserve(), then the default
 * "reserved" area) and rmem_cma_setup(), the init function of a {@code shared-dma-pool} +
 * {@code reusable} reserved-memory region.
 */
final class DmaContiguous {
    /** RESERVEDMEM_OF_DECLARE(cma, "shared-dma-pool", rmem_cma_setup). */
    static final ReservedMemHandler RMEM_CMA = new ReservedMemHandler("cma", "shared-dma-pool",
            DmaContiguous::rmemCmaSetup);

    private DmaContiguous() {
    }

    /**
     * rmem_cma_setup(): a reusable, mapped, CMA-aligned region becomes a CMA area
     * (cma_init_reserved_mem()), the default one with {@code linux,cma-default} unless
     * {@code cma=} was given (then EBUSY: the command line wins).
     */
    static ReservedMemHandler.Outcome rmemCmaSetup(ReservedMem rmem, ReservedMemContext context) {
        KernelLog log = context.log();
        boolean defaultCma = rmem.node().has("linux,cma-default");
        if (context.cmaCmdlineGiven() && defaultCma) {
            log.info("Reserved memory: bypass " + rmem.name() + " node, using cmdline CMA params instead");
            return new ReservedMemHandler.Refused(Errno.EBUSY);
        }
        if (!rmem.node().has("reusable") || rmem.node().has("no-map")) {
            return new ReservedMemHandler.Refused(Errno.EINVAL);
        }
        if (!Mm.isAligned(rmem.base() | rmem.size(), Mm.CMA_MIN_ALIGNMENT_BYTES)) {
            log.err("Reserved memory: incorrect alignment of CMA region");
            return new ReservedMemHandler.Refused(Errno.EINVAL);
        }
        Cma cma;
        try {
            cma = context.cma().initReservedMem(rmem.base(), rmem.size(), 0, rmem.name());
        } catch (ErrnoException e) {
            log.err("Reserved memory: unable to setup CMA region");
            return new ReservedMemHandler.Refused(e.errno());
        }
        if (defaultCma) {
            context.setDefaultArea(cma);
        }
        log.info("Reserved memory: created CMA memory pool at " + Mm.pa(rmem.base()) + ", size "
                + (rmem.size() / Mm.SZ_1M) + " MiB");
        return new ReservedMemHandler.CmaPool(cma);
    }

    /**
     * Reserves the default area below {@code limit}: the cma= size, base and limit when given
     * (fixed when base + size == limit), else CONFIG_CMA_SIZE_MBYTES; nothing when the size is
     * 0 or a default area already exists (a DT pool). Errors are logged by the CMA code; the
     * boot goes on, as the kernel's does.
     */
    static Cma reserve(EarlyBoot boot, EarlyCma cmdline, long limit) {
        long selectedSize;
        long selectedBase = 0;
        long selectedLimit = limit;
        boolean fixed = false;
        numaReserve(boot, cmdline);
        boot.log().debug("cma: dma_contiguous_reserve(limit " + String.format("%08x", limit) + ")");
        if (cmdline.given()) {
            selectedSize = cmdline.size;
            selectedBase = cmdline.base;
            // min_not_zero(limit_cmdline, limit) in 6.12 (a 2025 change lets the cmdline's win)
            selectedLimit = cmdline.limit == 0 ? limit : Long.compareUnsigned(cmdline.limit, limit) < 0 ? cmdline.limit : limit;
            if (cmdline.base + cmdline.size == cmdline.limit) {
                fixed = true;
            }
        } else {
            selectedSize = boot.arch().cmaSizeMbytes() * Mm.SZ_1M;
        }
        if (selectedSize != 0 && boot.defaultArea() == null) {
            boot.log().debug("cma: dma_contiguous_reserve: reserving " + (selectedSize / Mm.SZ_1M) + " MiB for global area");
            try {
                Cma area = boot.cma().declareContiguous(selectedBase, selectedSize, selectedLimit, 0, 0, fixed, "reserved");
                boot.setDefaultArea(area);
                return area;
            } catch (ErrnoException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * dma_numa_cma_reserve() (6.12): for each node, in node order, "pernuma%d" of
     * {@code cma_pernuma=} bytes and then "numa%d" of its {@code numa_cma=} bytes, each placed
     * on that node only; a failure is warned about and the next one tried. The nodes are those
     * memblock has memory on (the possible nodes of a machine that describes its NUMA layout).
     */
    static void numaReserve(EarlyBoot boot, EarlyCma cmdline) {
        int[] nodes = boot.memblock().memory().stream().mapToInt(r -> r.nid()).filter(n -> n >= 0).distinct().sorted().toArray();
        for (int nid : nodes) {
            if (cmdline.pernumaSize != 0) {
                declare(boot, cmdline.pernumaSize, "pernuma" + nid, nid);
            }
            if (nid < EarlyCma.MAX_NUMNODES && cmdline.numaSize[nid] != 0) {
                declare(boot, cmdline.numaSize[nid], "numa" + nid, nid);
            }
        }
    }

    private static void declare(EarlyBoot boot, long size, String name, int nid) {
        try {
            boot.cma().declareContiguousNid(0, size, 0, 0, 0, false, name, nid);
        } catch (ErrnoException e) {
            boot.log().warn("cma: dma_numa_cma_reserve: reservation failed: err " + e.errno().ret() + ", node " + nid);
        }
    }
}

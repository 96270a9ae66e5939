package io.jcma.cma.boot;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.of.ReservedMem;
import io.jcma.cma.of.ReservedMemContext;
import io.jcma.cma.of.ReservedMemHandler;

/**
 * Mirrors rmem_dma_setup() of kernel/dma/coherent.c: a {@code shared-dma-pool} without
 * {@code reusable} becomes a per-device coherent pool. It belongs to the DMA layer, which will
 * declare it through its boot hook ({@link BootHook#reservedMemHandlers()}); until then
 * cma-core declares it after rmem_cma_setup(), in the kernel's table order.
 */
final class DmaCoherent {
    /** RESERVEDMEM_OF_DECLARE(dma, "shared-dma-pool", rmem_dma_setup). */
    static final ReservedMemHandler RMEM_DMA = new ReservedMemHandler("dma", "shared-dma-pool",
            DmaCoherent::rmemDmaSetup);

    private DmaCoherent() {
    }

    /** rmem_dma_setup() (arm64: no no-map requirement): refuses a reusable region (EINVAL). */
    static ReservedMemHandler.Outcome rmemDmaSetup(ReservedMem rmem, ReservedMemContext context) {
        if (rmem.node().has("reusable")) {
            return new ReservedMemHandler.Refused(Errno.EINVAL);
        }
        context.log().info("Reserved memory: created DMA memory pool at " + Mm.pa(rmem.base()) + ", size "
                + (rmem.size() / Mm.SZ_1M) + " MiB");
        return new ReservedMemHandler.DmaPool();
    }
}

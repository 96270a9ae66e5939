package io.jcma.dma.internal;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.of.ReservedMem;
import io.jcma.cma.of.ReservedMemContext;
import io.jcma.cma.of.ReservedMemHandler;

/**
 * Mirrors rmem_dma_setup() of kernel/dma/coherent.c: a {@code shared-dma-pool} without
 * {@code reusable} becomes a per-device coherent pool. The DMA layer declares it through its
 * boot hook ({@link io.jcma.cma.boot.BootHook#reservedMemHandlers()}), so it comes after
 * cma-core's rmem_cma_setup() in the table, as the kernel's link order puts contiguous.c before
 * coherent.c. A machine booted without the DMA layer has no such handler, as a kernel without
 * CONFIG_DMA_DECLARE_COHERENT: the region then fails to match ("compatible matching fail").
 */
final class Coherent {
    /** RESERVEDMEM_OF_DECLARE(dma, "shared-dma-pool", rmem_dma_setup). */
    static final ReservedMemHandler RMEM_DMA = new ReservedMemHandler("dma", "shared-dma-pool",
            Coherent::rmemDmaSetup);

    private Coherent() {
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

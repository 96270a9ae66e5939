package io.jcma.cma.of;

import io.jcma.cma.Cma;
import io.jcma.cma.CmaAreas;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.cma.mm.Memblock;

/**
 * What a reserved-memory init function may use during early boot, the kernel's globals at that
 * point: memblock, the CMA areas being declared, the log, whether {@code cma=} was given
 * (size_cmdline) and dma_contiguous_default_area. The boot's {@code EarlyBoot} is one.
 */
public interface ReservedMemContext {
    Memblock memblock();

    CmaAreas cma();

    KernelLog log();

    /** Whether {@code cma=} was given (size_cmdline != -1): DT default pools are then bypassed. */
    boolean cmaCmdlineGiven();

    /** dma_contiguous_default_area, or null. */
    Cma defaultArea();

    /** Sets dma_contiguous_default_area (a DT {@code linux,cma-default} pool). */
    void setDefaultArea(Cma area);
}

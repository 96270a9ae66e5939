package io.jcma.cma.boot;

import io.jcma.cma.Cma;
import io.jcma.cma.CmaAreas;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.cma.mm.Memblock;

/**
 * The machine during early boot, as {@link BootHook#reserve} sees it: memblock, the CMA
 * registry (areas can be declared, not yet used), the log and the command line.
 */
public interface EarlyBoot {
    Memblock memblock();

    CmaAreas cma();

    KernelLog log();

    Cmdline cmdline();

    Arch arch();

    /** Whether {@code cma=} was given (size_cmdline != -1): DT default pools are then bypassed. */
    boolean cmaCmdlineGiven();

    /** dma_contiguous_default_area, or null. */
    Cma defaultArea();

    /** Sets dma_contiguous_default_area (a DT {@code linux,cma-default} pool). */
    void setDefaultArea(Cma area);
}

package io.jcma.cma.boot;

import io.jcma.cma.of.ReservedMemContext;

/**
 * The machine during early boot, as {@link BootHook#reserve} sees it: memblock, the CMA
 * registry (areas can be declared, not yet used), the log and the command line, and what a
 * reserved-memory init function sees ({@link ReservedMemContext}).
 */
public interface EarlyBoot extends ReservedMemContext {
    Cmdline cmdline();

    Arch arch();
}

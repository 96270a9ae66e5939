package io.jcma.dma;

import java.util.List;

/**
 * DMA-API debug (kernel/dma/debug.c, CONFIG_DMA_API_DEBUG): every mapping and coherent
 * allocation is tracked, and misuse is reported, counted and kept.
 */
public sealed interface DmaDebug permits io.jcma.dma.internal.debug.DmaDebugImpl {

    /** Whether checking is on (the layer's option; "disabled" in debugfs is its negation). */
    boolean enabled();

    /** error_count: reports so far. */
    long errorCount();

    /** Every report so far, oldest first (the kernel prints only num_errors of them). */
    List<DmaDebugError> errors();

    /** The reports as lines, see {@link DmaDebugError#line()}. */
    default List<String> lines() {
        return errors().stream().map(DmaDebugError::line).toList();
    }

    /** Entries (live mappings and allocations) of {@code dev}. */
    int entries(Device dev);

    /** debugfs dump: one line per live entry in the kernel's format. */
    String dump();
}

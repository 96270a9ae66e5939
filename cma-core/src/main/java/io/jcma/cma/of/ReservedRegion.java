package io.jcma.cma.of;

import io.jcma.cma.Cma;

import java.util.List;
import java.util.Optional;

/**
 * One /reserved-memory child after boot: struct reserved_mem of drivers/of/of_reserved_mem.c.
 *
 * @param name      the node's full name, unit address included ("linux,cma", "gpu@b0000000")
 * @param path      the node's path
 * @param base      where it lies (0 when it could not be placed)
 * @param size      its size in bytes
 * @param nomap     whether it carries {@code no-map}
 * @param reusable  whether it carries {@code reusable}
 * @param compatible its {@code compatible} strings
 * @param phandle   its phandle, 0 for none
 * @param kind      what its init function made of it
 * @param cma       the CMA area rmem_cma_setup() created for it
 */
public record ReservedRegion(String name, String path, long base, long size, boolean nomap, boolean reusable,
                             List<String> compatible, int phandle, Kind kind, Optional<Cma> cma) {
    public ReservedRegion {
        compatible = List.copyOf(compatible);
    }

    /** The outcome of __reserved_mem_init_node() for a region. */
    public enum Kind {
        /** A shared-dma-pool + reusable: a CMA area (rmem_cma_setup). */
        CMA,
        /** A shared-dma-pool without reusable: a per-device coherent pool (rmem_dma_setup). */
        DMA_POOL,
        /** No init function matched its compatible (-ENOENT): a plain carve-out. */
        CARVEOUT,
        /** An init function refused it ("compatible matching fail"): its memory was given back. */
        FAILED
    }
}

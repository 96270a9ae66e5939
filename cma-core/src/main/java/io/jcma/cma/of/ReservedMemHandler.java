package io.jcma.cma.of;

import io.jcma.cma.Cma;
import io.jcma.cma.kernel.Errno;

import java.util.Objects;

/**
 * One entry of the reserved-memory init table: RESERVEDMEM_OF_DECLARE(name, compatible, init)
 * of include/linux/of_reserved_mem.h. For each /reserved-memory region the boot tries, in table
 * order, every entry whose {@code compatible} the node carries, until one succeeds
 * (__reserved_mem_init_node()); none matching leaves the region a plain carve-out, and a
 * refusal by the last one tried gives its memory back ("compatible matching fail").
 *
 * <p>cma-core's own entry comes first: "cma" (rmem_cma_setup() of kernel/dma/contiguous.c). A
 * layer above adds its entries through its boot hook, which the boot asks before it scans the
 * device tree: the DMA layer's "dma" (rmem_dma_setup() of kernel/dma/coherent.c).
 *
 * @param name       the entry's name, as in the kernel's table ("cma", "dma")
 * @param compatible the compatible string it handles ("shared-dma-pool")
 * @param init       the init function
 */
public record ReservedMemHandler(String name, String compatible, Init init) {
    /**
     * @throws IllegalArgumentException if name or compatible is empty
     * @throws NullPointerException     if any component is null
     */
    public ReservedMemHandler {
        Objects.requireNonNull(init, "init");
        if (name.isEmpty() || compatible.isEmpty()) {
            throw new IllegalArgumentException("reserved-memory handler: name='" + name + "' compatible='" + compatible
                    + "' (expected: both non-empty)");
        }
    }

    /** reservedmem_of_init_fn: sets a region up, or refuses it. */
    @FunctionalInterface
    public interface Init {
        /**
         * Sets up {@code rmem}; never null. An exception it throws stops the boot.
         */
        Outcome init(ReservedMem rmem, ReservedMemContext context);
    }

    /** What an init function made of a region (its int return value, with the result named). */
    public sealed interface Outcome permits CmaPool, DmaPool, Refused {
    }

    /** The region is a CMA area now (rmem_cma_setup()). */
    public record CmaPool(Cma area) implements Outcome {
        public CmaPool {
            Objects.requireNonNull(area, "area");
        }
    }

    /** The region is a per-device coherent pool now (rmem_dma_setup()). */
    public record DmaPool() implements Outcome {
    }

    /** The init function refused the region with {@code error} (EINVAL, EBUSY, ...). */
    public record Refused(Errno error) implements Outcome {
        public Refused {
            Objects.requireNonNull(error, "error");
        }
    }
}

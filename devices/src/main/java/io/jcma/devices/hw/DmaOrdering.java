package io.jcma.devices.hw;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The CPU side of the ordering rules in the package notes, for drivers that share ownership
 * words with a device through coherent memory: the kernel's {@code dma_wmb()}, {@code dma_rmb()},
 * {@code smp_store_release()} and {@code smp_load_acquire()} on little-endian 32-bit words.
 */
public final class DmaOrdering {
    private static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private DmaOrdering() {
    }

    /** dma_wmb(): the CPU's earlier writes to coherent memory are visible before its later ones. */
    public static void dmaWmb() {
        VarHandle.releaseFence();
    }

    /** dma_rmb(): the CPU's later reads of coherent memory see at least what its earlier ones saw. */
    public static void dmaRmb() {
        VarHandle.acquireFence();
    }

    /** smp_store_release() of a little-endian u32 at {@code offset} (4-byte aligned). */
    public static void storeReleaseU32(MemorySegment mem, long offset, int value) {
        U32.setRelease(mem, offset, value);
    }

    /** smp_load_acquire() of a little-endian u32 at {@code offset} (4-byte aligned). */
    public static int loadAcquireU32(MemorySegment mem, long offset) {
        return (int) U32.getAcquire(mem, offset);
    }
}

package io.jcma.dma;

import io.jcma.cma.boot.Platform;
import io.jcma.cma.boot.Machine;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The DMA contract on the default backing: sparse files in /dev/shm. */
class SparseFileDmaContractTest extends DmaContractTest {
    /**
     * The native shim is on this module's test path, so the contract's vmap branches run here:
     * the sparse-file backing maps scattered pages at consecutive addresses through it.
     */
    @Test
    void theBackingCanVmapWithTheNativeShim() {
        try (Machine m = Machine.boot(Platform.builder().mem(64L << 20).build())) {
            assertThat(m.memory().backing().canVmap()).isTrue();
        }
    }
}

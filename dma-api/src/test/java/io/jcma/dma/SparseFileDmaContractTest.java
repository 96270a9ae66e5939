package io.jcma.dma;

/** The DMA contract on the default backing: sparse files in /dev/shm. */
class SparseFileDmaContractTest extends DmaContractTest {
}

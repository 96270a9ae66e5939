package io.jcma.dma;

/**
 * A value a device read, as QEMU's address_space_ldl() gives it with its MemTxResult: the value,
 * or 0 with the status that explains why there is none.
 */
public record DmaValue(DmaStatus status, long value) {
    public boolean ok() {
        return status.ok();
    }
}

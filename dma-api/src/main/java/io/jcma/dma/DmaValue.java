package io.jcma.dma;

/** A value a device read, or 0 with the status that explains why there is none. */
public record DmaValue(DmaStatus status, long value) {
    public boolean ok() {
        return status.ok();
    }
}

package io.jcma.cma.mm;

/** The zone types of x86-64 and arm64, in the kernel's order and with its names. */
public enum ZoneType {
    DMA("DMA"),
    DMA32("DMA32"),
    NORMAL("Normal"),
    MOVABLE("Movable");

    private final String kernelName;

    ZoneType(String kernelName) {
        this.kernelName = kernelName;
    }

    /** The name in /proc/zoneinfo, /proc/buddyinfo and the boot log: "DMA32", "Normal". */
    public String kernelName() {
        return kernelName;
    }
}

package io.jcma.cma.mm;

/** Pageblock migrate types, in the kernel's order, with the names /proc/pagetypeinfo uses. */
public enum Migratetype {
    UNMOVABLE("Unmovable"),
    MOVABLE("Movable"),
    RECLAIMABLE("Reclaimable"),
    HIGHATOMIC("HighAtomic"),
    CMA("CMA"),
    ISOLATE("Isolate");

    private static final Migratetype[] VALUES = values();
    private final String kernelName;

    Migratetype(String kernelName) {
        this.kernelName = kernelName;
    }

    public String kernelName() {
        return kernelName;
    }

    static Migratetype ofOrdinal(int o) {
        return VALUES[o];
    }
}

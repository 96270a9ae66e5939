package io.jcma.cma.boot;

import io.jcma.cma.mm.Memblock;
import io.jcma.cma.mm.ZoneLayout;

/**
 * The architecture being simulated: where its zones lie, where dma_contiguous_reserve() puts
 * the default area's limit, and its CONFIG_CMA_SIZE_MBYTES.
 */
public enum Arch {
    /**
     * x86-64: ZONE_DMA below 16 MiB, ZONE_DMA32 below 4 GiB; the default area's limit is the
     * end of RAM (max_pfn_mapped); CONFIG_CMA_SIZE_MBYTES is 0, so no area without {@code cma=}.
     */
    X86_64("x86_64", 0),
    /**
     * arm64 (6.12): ZONE_DMA up to the smallest DMA limit (4 GiB without one, or all RAM when RAM
     * starts above 4 GiB), ZONE_DMA32 up to 4 GiB; the default area's limit is the end of
     * ZONE_DMA (arm64_dma_phys_limit); Debian's kernel has CONFIG_CMA_SIZE_MBYTES=64.
     */
    ARM64("arm64", 64);

    private final String kernelName;
    private final long cmaSizeMbytes;

    Arch(String kernelName, long cmaSizeMbytes) {
        this.kernelName = kernelName;
        this.cmaSizeMbytes = cmaSizeMbytes;
    }

    public String kernelName() {
        return kernelName;
    }

    /** CONFIG_CMA_SIZE_MBYTES: the default area's size without {@code cma=}. */
    public long cmaSizeMbytes() {
        return cmaSizeMbytes;
    }

    public static Arch parse(String s) {
        return switch (s) {
            case "x86_64", "x86-64", "amd64" -> X86_64;
            case "arm64", "aarch64" -> ARM64;
            default -> throw new IllegalArgumentException("arch: " + s + " (expected: x86_64 or arm64)");
        };
    }

    /**
     * The zone layout for the RAM in {@code memblock}; {@code dmaLimit} is the smallest
     * DMA-addressable limit the firmware describes (DT dma-ranges), 0 for none. x86 ignores it.
     */
    public ZoneLayout zoneLayout(Memblock memblock, long dmaLimit) {
        if (this == X86_64) {
            return ZoneLayout.X86_64;
        }
        long dma = arm64MaxZonePhys(memblock, dmaLimit == 0 ? Long.MAX_VALUE : dmaLimit - 1);
        long dma32 = arm64MaxZonePhys(memblock, 0xffff_ffffL);
        return new ZoneLayout(dma, Math.max(dma, dma32));
    }

    /** max_zone_phys() of arch/arm64/mm/init.c (6.12): an inclusive limit to an exclusive end. */
    private static long arm64MaxZonePhys(Memblock memblock, long zoneLimit) {
        if (memblock.start() < 0xffff_ffffL) {
            zoneLimit = Math.min(zoneLimit, 0xffff_ffffL);
        }
        return Math.min(zoneLimit, memblock.end() - 1) + 1;
    }

    /** The limit dma_contiguous_reserve() is called with. */
    public long dmaContiguousLimit(Memblock memblock, long dmaLimit) {
        if (this == X86_64) {
            return memblock.end();
        }
        return zoneLayout(memblock, dmaLimit).dmaEnd();
    }

}

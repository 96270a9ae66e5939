/**
 * The physical side of jcma: simulated RAM, memblock, zones and pageblocks, the page allocator,
 * the CMA areas of mm/cma.c, the device-tree boot of drivers/of, the machine's boot and the
 * pseudo files. The API packages are exported; their implementations ({@code io.jcma.cma.internal},
 * {@code io.jcma.cma.mm.internal}, {@code io.jcma.cma.of.internal}) are not, and no other jcma
 * module needs them (bench, which benchmarks the bitmap, runs on the class path).
 */
module io.jcma.cma {
    requires jdk.jfr;

    exports io.jcma.cma;
    exports io.jcma.cma.kernel;
    exports io.jcma.cma.mm;
    exports io.jcma.cma.boot;
    exports io.jcma.cma.fs;
    exports io.jcma.cma.fdt;
    exports io.jcma.cma.of;

    uses io.jcma.cma.mm.MemoryBackingProvider;
    uses io.jcma.cma.mm.VmapProvider;
}

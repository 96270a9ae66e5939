/**
 * The physical side of jcma: simulated RAM, memblock, zones and pageblocks, the page allocator
 * seam, the CMA areas of mm/cma.c, the boot (command line, default area) and the pseudo files.
 */
module io.jcma.cma {
    requires jdk.jfr;

    exports io.jcma.cma;
    exports io.jcma.cma.kernel;
    exports io.jcma.cma.mm;
    exports io.jcma.cma.boot;
    exports io.jcma.cma.fs;
    exports io.jcma.cma.fdt;

    uses io.jcma.cma.mm.MemoryBackingProvider;
}

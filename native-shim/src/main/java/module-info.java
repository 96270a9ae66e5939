/** Real hugepages, physical addresses and a hugepage backing for simulated RAM, through FFM. */
module io.jcma.shim {
    requires io.jcma.cma;

    exports io.jcma.shim;

    provides io.jcma.cma.mm.MemoryBackingProvider with io.jcma.shim.HugepageBackingProvider;
}

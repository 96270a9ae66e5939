/**
 * Real hugepages, physical addresses and a hugepage backing for simulated RAM, through FFM; and
 * the vmap of the sparse-file backing (io.jcma.cma.mm.VmapProvider).
 */
module io.jcma.shim {
    requires io.jcma.cma;

    exports io.jcma.shim;

    provides io.jcma.cma.mm.MemoryBackingProvider with io.jcma.shim.HugepageBackingProvider;
    provides io.jcma.cma.mm.VmapProvider with io.jcma.shim.internal.FileVmap;
}

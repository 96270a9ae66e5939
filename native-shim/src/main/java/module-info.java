/** Real hugepages, physical addresses and a hugepage backing for simulated RAM, through FFM. */
module io.jcma.shim {
    requires io.jcma.cma;
}

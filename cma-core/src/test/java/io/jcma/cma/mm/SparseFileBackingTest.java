package io.jcma.cma.mm;

import io.jcma.cma.testing.MemoryBackingContract;

/** The backing contract on the default sparse-file backing. */
class SparseFileBackingTest extends MemoryBackingContract {
    @Override
    protected MemoryBacking openBacking() {
        return MemoryBacking.sparseFile();
    }

    @Override
    protected String spec() {
        return "sparse-file";
    }
}

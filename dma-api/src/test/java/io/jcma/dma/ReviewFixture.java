package io.jcma.dma;

import io.jcma.cma.boot.MemRange;
import io.jcma.cma.boot.Platform;

/** A small debug-enabled machine with a CMA area and a swiotlb pool, for the review-fix tests. */
final class ReviewFixture {
    private ReviewFixture() {
    }

    static Dma boot() {
        return Dma.boot(Platform.builder().memory(new MemRange(0, 256L << 20, 0)).cmdline("cma=16M swiotlb=1024").build(),
                DmaOptions.defaults().withDebug(true));
    }
}

package io.jcma.dma;

import io.jcma.cma.boot.MemRange;
import io.jcma.cma.boot.Platform;

/** A small debug-enabled machine with a CMA area and a swiotlb pool, for the review-fix tests. */
final class ReviewFixture {
    private ReviewFixture() {
    }

    /** "dev0" of driver "drv" with 64-bit masks, behind {@code domain} when {@code iommu}. */
    static Device device(Dma dma, IommuDomain domain, boolean iommu) {
        Device.Builder b = dma.newDevice("dev0").driver("drv").masks(-1L);
        return (iommu ? b.iommu(domain) : b).build();
    }

    static Dma boot() {
        return Dma.boot(Platform.builder().memory(new MemRange(0, 256L << 20, 0)).cmdline("cma=16M swiotlb=1024").build(),
                DmaOptions.defaults().withDebug(true));
    }
}

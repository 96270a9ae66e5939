package io.jcma.dma.internal;

import io.jcma.cma.CmaAllocation;
import io.jcma.cma.mm.Mm;

/**
 * Mirrors the struct page * that dma_alloc_contiguous() and alloc_pages() hand dma-direct and
 * dma-iommu: physically contiguous pages, and by their kind how dma_free_contiguous() gives
 * them back (cma_release, else __free_pages of the order).
 */
sealed interface Pages {
    long pfn();

    /** Pages in the run. */
    long count();

    default long phys() {
        return Mm.pfnPhys(pfn());
    }

    /** Pages from a CMA area (cma_alloc). */
    record FromCma(CmaAllocation allocation) implements Pages {
        @Override
        public long pfn() {
            return allocation.pfn();
        }

        @Override
        public long count() {
            return allocation.count();
        }
    }

    /** Pages from the page allocator: one block of {@code order}. */
    record FromBuddy(long pfn, int order) implements Pages {
        @Override
        public long count() {
            return 1L << order;
        }
    }
}

/** Implementation of the DMA API, not exported: the swiotlb slot allocator, the IOVA allocator, IO page tables. */
package io.jcma.dma.internal;

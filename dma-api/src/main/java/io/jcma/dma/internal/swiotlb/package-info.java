/**
 * kernel/dma/swiotlb.c: {@code Swiotlb} is the default pool with its boot-time reservation
 * (swiotlb_init), map, unmap and bounce copies and its debugfs files; {@code SwiotlbSlots} is the
 * slot search of one pool area; {@code SwiotlbBouncedEvent} its tracepoint. The ops of
 * io.jcma.dma.internal call it, telling it how the device sees the pool.
 */
package io.jcma.dma.internal.swiotlb;

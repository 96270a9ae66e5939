/**
 * kernel/dma/debug.c (CONFIG_DMA_API_DEBUG): {@code DmaDebugImpl} keeps an entry per mapping and
 * coherent allocation and checks every unmap, free and sync against them; {@code DmaDebugFs} is
 * dma_debug_fs_init(). It knows devices and scatterlists only through the API types, so the
 * dispatcher calls into it and nothing here calls back.
 */
package io.jcma.dma.internal.debug;

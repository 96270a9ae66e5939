package io.jcma.dma.internal;

import io.jcma.dma.Device;
import io.jcma.dma.DmaAttrs;
import io.jcma.dma.DmaBuffer;
import io.jcma.dma.DmaPool;

import io.jcma.cma.mm.Gfp;
import io.jcma.cma.mm.Mm;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Mirrors mm/dmapool.c (6.4+). Each page of the pool is one coherent allocation of
 * {@code allocation} bytes, cut into blocks:
 * <pre>
 *   offset 0                                     boundary                allocation
 *   +--------+--------+--------+-----//----+-----+--------+--------+-----+
 *   | block  | block  | block  |    ...    |skip | block  | block  | ... |
 *   +--------+--------+--------+-----//----+-----+--------+--------+-----+
 *   a block never crosses a boundary: the tail before one is skipped
 * </pre>
 * <ol>
 *   <li>dma_pool_create(): align 0 becomes 1, else must be a power of two; 0 &lt; size &lt;= INT_MAX;
 *       size = ALIGN(max(size, 16), align); allocation = max(size, PAGE_SIZE); boundary 0 becomes
 *       allocation, else must be a power of two &gt;= size; boundary = min(boundary, allocation).
 *       Any violation: NULL.</li>
 *   <li>pool_initialise_page(): blocks at offset 0, size, 2*size... skipping to the next boundary
 *       when one would cross it; the page's blocks go in front of the free list, in order.</li>
 *   <li>dma_pool_alloc(): pop the free list; empty: a new page (dma_alloc_coherent) first.</li>
 *   <li>dma_pool_free(): push the block back (LIFO). Bad or already-free blocks are reported as
 *       DMAPOOL_DEBUG does and refused.</li>
 * </ol>
 */
public final class DmaPoolImpl implements DmaPool {
    /** sizeof(struct dma_block): the free-list link and the dma address. */
    static final long DMA_BLOCK_SIZE = 16;
    private static final long INT_MAX = Integer.MAX_VALUE;

    private final DmaImpl layer;
    private final String name;
    private final DeviceImpl dev;
    private final long size;
    private final long allocation;
    private final long boundary;
    private final String site;
    private final List<DmaBuffer> pageList = new ArrayList<>();
    private final Deque<Block> free = new ArrayDeque<>();
    private final Map<Long, Block> active = new HashMap<>();
    private long nrBlocks;
    private boolean destroyed;

    private DmaPoolImpl(DmaImpl layer, String name, DeviceImpl dev, long size, long allocation, long boundary, String site) {
        this.layer = layer;
        this.name = name;
        this.dev = dev;
        this.size = size;
        this.allocation = allocation;
        this.boundary = boundary;
        this.site = site;
    }

    static Optional<DmaPool> create(DmaImpl layer, String name, DeviceImpl dev, long size, long align, long boundary,
                                    boolean managed) {
        if (align == 0) {
            align = 1;
        } else if (align < 0 || !Mm.isPowerOfTwo(align)) {
            return Optional.empty();
        }
        if (size <= 0 || size > INT_MAX) {
            return Optional.empty();
        }
        size = Math.max(size, DMA_BLOCK_SIZE);
        size = Mm.alignUp(size, align);
        long allocation = Math.max(size, Mm.PAGE_SIZE);
        if (boundary == 0) {
            boundary = allocation;
        } else if (boundary < size || !Mm.isPowerOfTwo(boundary)) {
            return Optional.empty();
        }
        boundary = Math.min(boundary, allocation);
        // strscpy into char name[32]
        String n = name == null ? "" : name.length() > 31 ? name.substring(0, 31) : name;
        DmaPoolImpl p = new DmaPoolImpl(layer, n, dev, size, allocation, boundary, layer.debugImpl().site());
        boolean first;
        synchronized (dev.pools) {
            first = dev.pools.isEmpty();
            dev.pools.addFirst(p);
        }
        if (first) {
            // device_create_file(dev, &dev_attr_pools) with the device's first pool
            layer.machine().fs().registerFile(poolsPath(dev), () -> poolsShow(dev), null);
        }
        if (managed) {
            dev.devresAdd(p);
        }
        return Optional.of(p);
    }

    static String poolsPath(DeviceImpl dev) {
        return "/sys/devices/platform/" + dev.name() + "/pools";
    }

    /** pools_show(). */
    static String poolsShow(DeviceImpl dev) {
        StringBuilder b = new StringBuilder("poolinfo - 0.1\n");
        List<DmaPoolImpl> ps;
        synchronized (dev.pools) {
            ps = List.copyOf(dev.pools);
        }
        for (DmaPoolImpl p : ps) {
            synchronized (p) {
                b.append(String.format("%-16s %4d %4d %4d %2d%n", p.name, p.active.size(), p.nrBlocks, p.size,
                        p.pageList.size()));
            }
        }
        return b.toString();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Device device() {
        return dev;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public long allocation() {
        return allocation;
    }

    @Override
    public long boundary() {
        return boundary;
    }

    @Override
    public synchronized long active() {
        return active.size();
    }

    @Override
    public synchronized long blocks() {
        return nrBlocks;
    }

    @Override
    public synchronized long pages() {
        return pageList.size();
    }

    synchronized boolean destroyed() {
        return destroyed;
    }

    private void initialisePage(DmaBuffer page) {
        List<Block> blocks = new ArrayList<>();
        long nextBoundary = boundary;
        long offset = 0;
        while (offset + size <= allocation) {
            if (offset + size > nextBoundary) {
                offset = nextBoundary;
                nextBoundary += boundary;
                continue;
            }
            blocks.add(new Block(page.cpu().asSlice(offset, size), page.dmaAddress() + offset));
            offset += size;
            nrBlocks++;
        }
        for (int i = blocks.size() - 1; i >= 0; i--) {
            free.addFirst(blocks.get(i));
        }
        pageList.addFirst(page);
    }

    @Override
    public Optional<Block> alloc(int gfp) {
        // a block leaves the free list and becomes active in one locked section: a destroy in
        // between would see no active block and free the page under it
        Block b;
        synchronized (this) {
            checkAlive();
            b = free.pollFirst();
            if (b != null) {
                active.put(b.dmaAddress(), b);
            }
        }
        if (b == null) {
            Optional<DmaBuffer> page = layer.alloc(dev, allocation, gfp & ~Gfp.ZERO, DmaAttrs.NONE, false, site);
            if (page.isEmpty()) {
                return Optional.empty();
            }
            boolean gone;
            synchronized (this) {
                gone = destroyed;
                if (!gone) {
                    initialisePage(page.get());
                    b = free.pollFirst();
                    active.put(b.dmaAddress(), b);
                }
            }
            if (gone) {
                // destroyed while the page was being allocated: it never joined the pool
                layer.freeAttrs(dev, allocation, page.get(), DmaAttrs.NONE);
                throw destroyedError();
            }
        }
        if ((gfp & Gfp.ZERO) != 0) {
            b.cpu().fill((byte) 0);
        }
        return Optional.of(b);
    }

    private void checkAlive() {
        if (destroyed) {
            throw destroyedError();
        }
    }

    private IllegalStateException destroyedError() {
        return new IllegalStateException("dma_pool_alloc: pool=" + name + " is destroyed");
    }

    private DmaBuffer pageOf(long dmaAddr) {
        for (DmaBuffer p : pageList) {
            if (dmaAddr >= p.dmaAddress() && dmaAddr < p.dmaAddress() + allocation) {
                return p;
            }
        }
        return null;
    }

    @Override
    public void free(Block block) {
        String err = null;
        synchronized (this) {
            Block b = active.get(block.dmaAddress());
            if (b == null) {
                if (pageOf(block.dmaAddress()) == null || !free.contains(block)) {
                    err = "pool_block_err " + name + ", 0x" + Long.toHexString(block.cpu().address()) + "/"
                            + Mm.pa(block.dmaAddress()) + " (bad dma)";
                } else {
                    err = "pool_block_err " + name + ", dma " + Mm.pa(block.dmaAddress()) + " already free";
                }
            } else {
                active.remove(block.dmaAddress());
                free.addFirst(b);
            }
        }
        if (err != null) {
            layer.log().err(dev.driverName() + " " + dev.name() + ": " + err);
            throw new IllegalStateException("dma_pool_free: " + err);
        }
    }

    @Override
    public void destroy() {
        List<DmaBuffer> pages;
        boolean busy;
        synchronized (this) {
            if (destroyed) {
                throw new IllegalStateException("dma_pool_destroy: pool=" + name + " already destroyed");
            }
            destroyed = true;
            busy = !active.isEmpty();
            pages = new ArrayList<>(pageList);
            pageList.clear();
            free.clear();
        }
        boolean last;
        synchronized (dev.pools) {
            dev.pools.remove(this);
            last = dev.pools.isEmpty();
        }
        if (last) {
            layer.machine().fs().remove(poolsPath(dev));
        }
        dev.devresRemove(this);
        if (busy) {
            layer.log().err(dev.driverName() + " " + dev.name() + ": dma_pool_destroy " + name + " busy");
            return;
        }
        for (DmaBuffer p : pages) {
            layer.freeAttrs(dev, allocation, p, DmaAttrs.NONE);
        }
    }

    @Override
    public String toString() {
        return "DmaPool[" + name + ", size=" + size + ", allocation=" + allocation + ", boundary=" + boundary + "]";
    }
}

package io.jcma.dma.internal.iommu;

import io.jcma.dma.Dma;
import io.jcma.dma.IommuDomain;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.mm.Mm;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Mirrors struct iommu_domain of drivers/iommu/iommu.c with its DMA cookie: iommu_map(),
 * iommu_unmap() and iommu_iova_to_phys() over an {@link IoPageTable}, and the IOVA allocator
 * ({@link IovaAllocator}, drivers/iommu/iova.c) that dma-iommu draws from.
 *
 * <p>Locking: one lock guards the page table; the IOVA allocator has its own monitor. Neither
 * is held while calling out.
 */
public final class IommuDomainImpl implements IommuDomain {
    private final int width;
    private final long apertureEnd;
    private final IoPageTable table = new IoPageTable();
    private final IovaAllocator iova = new IovaAllocator(1);
    private final ReentrantLock lock = new ReentrantLock();
    /** The DMA layer whose devices sit behind the domain (one machine's IOMMU). */
    private final AtomicReference<Object> owner = new AtomicReference<>();

    public IommuDomainImpl(int width) {
        if (width < 13 || width > 64) {
            throw new IllegalArgumentException("addressWidth: " + width + " (expected: 13..64)");
        }
        this.width = width;
        this.apertureEnd = Dma.bitMask(width);
    }

    @Override
    public int addressWidth() {
        return width;
    }

    @Override
    public long apertureEnd() {
        return apertureEnd;
    }

    @Override
    public void map(long iovaAddr, long phys, long size, int prot) {
        if (!Mm.isAligned(iovaAddr | phys | size, Mm.PAGE_SIZE) || size <= 0 || iovaAddr < 0 || phys < 0) {
            throw new ErrnoException(Errno.EINVAL, "iommu_map: iova=" + Mm.pa(iovaAddr) + " paddr=" + Mm.pa(phys)
                    + " size=0x" + Long.toHexString(size) + " (expected: page-aligned, size > 0)");
        }
        if (Long.compareUnsigned(iovaAddr + size - 1, apertureEnd) > 0) {
            throw new ErrnoException(Errno.EINVAL, "iommu_map: iova=" + Mm.pa(iovaAddr) + " size=0x"
                    + Long.toHexString(size) + " (expected: within aperture end " + Mm.pa(apertureEnd) + ")");
        }
        lock.lock();
        try {
            long pages = size >>> Mm.PAGE_SHIFT;
            for (long i = 0; i < pages; i++) {
                if (!table.map(Mm.pfnDown(iovaAddr) + i, Mm.pfnDown(phys) + i, prot)) {
                    for (long j = 0; j < i; j++) {
                        table.unmap(Mm.pfnDown(iovaAddr) + j);
                    }
                    throw new ErrnoException(Errno.EBUSY, "iommu_map: iova=" + Mm.pa(iovaAddr + Mm.pfnPhys(i))
                            + " is already mapped");
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long unmap(long iovaAddr, long size) {
        lock.lock();
        try {
            long n = 0;
            long first = Mm.pfnDown(iovaAddr);
            long last = Mm.pfnDown(iovaAddr + size - 1);
            for (long p = first; p <= last; p++) {
                if (table.unmap(p)) {
                    n++;
                }
            }
            return Mm.pfnPhys(n);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long iovaToPhys(long iovaAddr) {
        lock.lock();
        try {
            long e = table.entry(Mm.pfnDown(iovaAddr));
            return e == 0 ? -1 : Mm.pfnPhys(IoPageTable.physPfn(e)) + (iovaAddr & (Mm.PAGE_SIZE - 1));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int prot(long iovaAddr) {
        lock.lock();
        try {
            return IoPageTable.prot(table.entry(Mm.pfnDown(iovaAddr)));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long mappedPages() {
        lock.lock();
        try {
            return table.mappedPages();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long iovaPages() {
        return iova.allocatedPages();
    }

    /**
     * iommu_attach_device() as far as ownership goes: the first device attached binds the domain
     * to its DMA layer; false for a device of another layer (another machine's physical memory).
     */
    public boolean attach(Object layer) {
        Object was = owner.compareAndExchange(null, layer);
        return was == null || was == layer;
    }

    /**
     * iommu_dma_alloc_iova(): a page-aligned IOVA for {@code size} bytes at or below
     * {@code dmaLimit} (clamped to the aperture), or -1.
     */
    public long allocIova(long size, long dmaLimit) {
        long limit = Long.compareUnsigned(dmaLimit, apertureEnd) < 0 ? dmaLimit : apertureEnd;
        long pfn = iova.alloc(Mm.pfnUp(size), limit >>> Mm.PAGE_SHIFT);
        return pfn < 0 ? -1 : Mm.pfnPhys(pfn);
    }

    public void freeIova(long iovaAddr) {
        iova.free(Mm.pfnDown(iovaAddr));
    }

    @Override
    public String toString() {
        return "IommuDomain[width=" + width + ", mapped=" + mappedPages() + "]";
    }
}

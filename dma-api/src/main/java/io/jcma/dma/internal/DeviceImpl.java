package io.jcma.dma.internal;

import io.jcma.cma.Cma;
import io.jcma.cma.mm.Mm;
import io.jcma.dma.Device;
import io.jcma.dma.DeviceMemory;
import io.jcma.dma.Dma;
import io.jcma.dma.IommuDomain;
import io.jcma.dma.internal.iommu.IommuDomainImpl;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Mirrors struct device as kernel/dma sees it (include/linux/device.h): dma_mask,
 * coherent_dma_mask, bus_dma_limit, the dma-ranges offset, cma_area, dma_parms, and the DMA ops
 * chosen once at creation, as of_dma_configure() and iommu_setup_dma_ops() choose them; with
 * the bound driver and its devres list (drivers/base/dd.c, devres.c).
 */
public final class DeviceImpl implements Device {
    /** The layer the device belongs to: a device of another layer is refused by its calls. */
    final DmaImpl layer;
    private final String name;
    private volatile String driver;
    private volatile long dmaMask;
    private volatile long coherentDmaMask;
    private final long busOffset;
    private final long busDmaLimit;
    private final int numaNode;
    private final Cma cmaArea;
    private final Optional<IommuDomain> iommu;
    private final DmaMapOps ops;
    private final long maxSegmentSize;
    private final long segmentBoundaryMask;
    private final DeviceMemoryImpl memory;
    /** devres: managed resources (buffers, pools), released last-in first-out at unbind. */
    private final List<Object> devres = new ArrayList<>();
    /** device_lock(): bind and unbind each happen whole, one at a time. */
    final Object deviceLock = new Object();
    /** dev->dma_pools, newest first as list_add keeps them. */
    final List<DmaPoolImpl> pools = new ArrayList<>();

    private DeviceImpl(DmaImpl layer, B b) {
        this.layer = layer;
        this.name = b.name;
        this.driver = b.driver;
        this.dmaMask = b.dmaMask;
        this.coherentDmaMask = b.coherentMask;
        this.busOffset = b.busOffset;
        this.busDmaLimit = b.busDmaLimit;
        this.numaNode = b.nid;
        this.cmaArea = b.cma;
        this.iommu = Optional.ofNullable(b.iommu);
        this.ops = layer.chooseOps(b.iommu);
        this.maxSegmentSize = b.maxSeg;
        this.segmentBoundaryMask = b.boundary;
        this.memory = new DeviceMemoryImpl(this, layer.iomem(), layer.debugImpl());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String driverName() {
        String d = driver;
        return d == null ? "platform" : d;
    }

    @Override
    public boolean bound() {
        return driver != null;
    }

    void setDriver(String d) {
        driver = d;
    }

    /** devres_add(). */
    void devresAdd(Object resource) {
        synchronized (devres) {
            devres.add(resource);
        }
    }

    /** devres_remove(): the driver freed the resource itself. */
    void devresRemove(Object resource) {
        synchronized (devres) {
            devres.remove(resource);
        }
    }

    /** Takes every managed resource, newest first (devres_release_all's order). */
    List<Object> devresTakeAll() {
        List<Object> res;
        synchronized (devres) {
            res = new ArrayList<>(devres);
            devres.clear();
        }
        return res.reversed();
    }

    /** *dev->dma_mask = mask, once dma_supported() said yes. */
    void setDmaMask(long mask) {
        dmaMask = mask;
    }

    /** dev->coherent_dma_mask = mask, once dma_supported() said yes. */
    void setCoherentDmaMask(long mask) {
        coherentDmaMask = mask;
    }

    @Override
    public long dmaMask() {
        return dmaMask;
    }

    @Override
    public long coherentDmaMask() {
        return coherentDmaMask;
    }

    @Override
    public long busOffset() {
        return busOffset;
    }

    @Override
    public long busDmaLimit() {
        return busDmaLimit;
    }

    @Override
    public int numaNode() {
        return numaNode;
    }

    @Override
    public Optional<Cma> cmaArea() {
        return Optional.ofNullable(cmaArea);
    }

    @Override
    public Optional<IommuDomain> iommu() {
        return iommu;
    }

    /** The device's DMA ops, chosen when it was built. */
    DmaMapOps ops() {
        return ops;
    }

    @Override
    public long maxSegmentSize() {
        return maxSegmentSize;
    }

    @Override
    public long segmentBoundaryMask() {
        return segmentBoundaryMask;
    }

    @Override
    public DeviceMemory memory() {
        return memory;
    }

    /** phys_to_dma(): the DMA address of {@code phys}, or DMA_MAPPING_ERROR below the offset. */
    long physToDma(long phys) {
        return phys < busOffset ? Dma.DMA_MAPPING_ERROR : phys - busOffset;
    }

    /** dma_to_phys(). */
    long dmaToPhys(long dma) {
        return dma + busOffset;
    }

    /** min_not_zero(mask, bus_dma_limit). */
    long limit(long mask) {
        if (mask == 0) {
            return busDmaLimit;
        }
        if (busDmaLimit == 0) {
            return mask;
        }
        return Long.compareUnsigned(mask, busDmaLimit) < 0 ? mask : busDmaLimit;
    }

    @Override
    public String toString() {
        return driverName() + " " + name;
    }

    /** The parameters of device_add(), checked when the device is built. */
    static final class B implements Builder {
        private final DmaImpl layer;
        private final String name;
        private String driver;
        private long dmaMask = Dma.bitMask(32);
        private long coherentMask = Dma.bitMask(32);
        private long busOffset;
        private long busDmaLimit;
        private int nid = Mm.NUMA_NO_NODE;
        private Cma cma;
        private IommuDomainImpl iommu;
        private long maxSeg = 65536;
        private long boundary = 0xffff_ffffL;

        B(DmaImpl layer, String name) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("name: " + name + " (expected: a device name)");
            }
            this.layer = layer;
            this.name = name;
        }

        @Override
        public Builder driver(String d) {
            driver = d;
            return this;
        }

        @Override
        public Builder masks(long mask) {
            dmaMask = mask;
            coherentMask = mask;
            return this;
        }

        @Override
        public Builder dmaMask(long mask) {
            dmaMask = mask;
            return this;
        }

        @Override
        public Builder coherentDmaMask(long mask) {
            coherentMask = mask;
            return this;
        }

        @Override
        public Builder busOffset(long offset) {
            busOffset = offset;
            return this;
        }

        @Override
        public Builder busDmaLimit(long limit) {
            busDmaLimit = limit;
            return this;
        }

        @Override
        public Builder numaNode(int n) {
            nid = n;
            return this;
        }

        @Override
        public Builder cmaArea(Cma area) {
            cma = area;
            return this;
        }

        @Override
        public Builder iommu(IommuDomain domain) {
            iommu = (IommuDomainImpl) domain;
            return this;
        }

        @Override
        public Builder maxSegmentSize(long bytes) {
            maxSeg = bytes;
            return this;
        }

        @Override
        public Builder segmentBoundaryMask(long mask) {
            boundary = mask;
            return this;
        }

        @Override
        public Device build() {
            if (busOffset < 0) {
                throw new IllegalArgumentException("busOffset: " + busOffset + " (expected: >= 0)");
            }
            if (nid < Mm.NUMA_NO_NODE) {
                throw new IllegalArgumentException("numaNode: " + nid + " (expected: >= -1)");
            }
            if (maxSeg < Mm.PAGE_SIZE) {
                throw new IllegalArgumentException("maxSegmentSize: " + maxSeg + " (expected: >= 4096)");
            }
            if (boundary != -1L && !Mm.isPowerOfTwo(boundary + 1) || Long.compareUnsigned(boundary, Mm.PAGE_SIZE - 1) < 0) {
                throw new IllegalArgumentException("segmentBoundaryMask: 0x" + Long.toHexString(boundary)
                        + " (expected: 2^n - 1, at least 0xfff)");
            }
            if (cma != null && layer.machine().cma().areas().stream().noneMatch(a -> a == cma)) {
                throw new IllegalArgumentException("cmaArea: " + cma.name() + " (expected: an area of this machine)");
            }
            if (iommu != null && !iommu.attach(layer)) {
                throw new IllegalArgumentException("iommu: " + iommu + " (expected: a domain of this DMA layer's devices)");
            }
            return layer.register(new DeviceImpl(layer, this));
        }
    }
}

package io.jcma.dma;

import io.jcma.cma.Cma;
import io.jcma.cma.mm.Mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

final class DeviceImpl implements Device {
    final DmaImpl dma;
    private final String name;
    private volatile String driver;
    volatile long dmaMask;
    volatile long coherentDmaMask;
    private final long busOffset;
    private final long busDmaLimit;
    private final int numaNode;
    private final Cma cmaArea;
    final IommuDomainImpl iommu;
    private final long maxSegmentSize;
    private final long segmentBoundaryMask;
    private final DeviceMemoryImpl memory;
    /** devres: release actions of managed resources, run last-in first-out at unbind. */
    final List<Object> devres = new ArrayList<>();
    /** device_lock(): bind and unbind each happen whole, one at a time. */
    final Object deviceLock = new Object();
    /** dev->dma_pools, newest first as list_add keeps them. */
    final List<DmaPoolImpl> pools = new ArrayList<>();

    private DeviceImpl(DmaImpl dma, B b) {
        this.dma = dma;
        this.name = b.name;
        this.driver = b.driver;
        this.dmaMask = b.dmaMask;
        this.coherentDmaMask = b.coherentMask;
        this.busOffset = b.busOffset;
        this.busDmaLimit = b.busDmaLimit;
        this.numaNode = b.nid;
        this.cmaArea = b.cma;
        this.iommu = (IommuDomainImpl) b.iommu;
        this.maxSegmentSize = b.maxSeg;
        this.segmentBoundaryMask = b.boundary;
        this.memory = new DeviceMemoryImpl(dma, this);
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
        return Optional.ofNullable(iommu);
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

    static final class B implements Builder {
        private final DmaImpl dma;
        private final String name;
        private String driver;
        private long dmaMask = Dma.bitMask(32);
        private long coherentMask = Dma.bitMask(32);
        private long busOffset;
        private long busDmaLimit;
        private int nid = Mm.NUMA_NO_NODE;
        private Cma cma;
        private IommuDomain iommu;
        private long maxSeg = 65536;
        private long boundary = 0xffff_ffffL;

        B(DmaImpl dma, String name) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("name: " + name + " (expected: a device name)");
            }
            this.dma = dma;
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
            iommu = domain;
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
            return dma.register(new DeviceImpl(dma, this));
        }
    }
}

package io.jcma.dma;

import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.PhysicalMemory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The device's view: translation page by page (IOMMU page tables or bus offset), every page
 * checked before any byte moves, then the copy. Naturally aligned scalars use acquire loads and
 * release stores (see package-info) so that a device thread sees a driver's writes in order.
 */
final class DeviceMemoryImpl implements DeviceMemory {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U16_H = U16.varHandle();
    private static final VarHandle U32_H = U32.varHandle();
    private static final VarHandle U64_H = U64.varHandle();
    private static final VarHandle U8_H = ValueLayout.JAVA_BYTE.varHandle();

    private final DmaImpl dma;
    private final DeviceImpl dev;

    DeviceMemoryImpl(DmaImpl dma, DeviceImpl dev) {
        this.dma = dma;
        this.dev = dev;
    }

    /** The pieces of RAM [dmaAddress, +len) lands on, or the status that refuses it. */
    private Object translate(long dmaAddress, long len, boolean write) {
        List<MemorySegment> pieces = new ArrayList<>();
        if (len < 0) {
            return new DmaStatus.Unassigned(dmaAddress, -1);
        }
        if (len > 0 && Long.compareUnsigned(dmaAddress + len - 1, dmaAddress) < 0) {
            return new DmaStatus.Unassigned(dmaAddress, -1);
        }
        PhysicalMemory mem = dma.machine().memory();
        long a = dmaAddress;
        long left = len;
        while (left > 0) {
            long n = Math.min(left, Mm.PAGE_SIZE - (a & (Mm.PAGE_SIZE - 1)));
            long phys;
            if (dev.iommu != null) {
                int prot = dev.iommu.prot(a);
                if (prot == 0) {
                    return new DmaStatus.Fault(a, "IOMMU fault: " + (write ? "write to" : "read from")
                            + " unmapped iova " + Mm.pa(a) + " (device " + dev.name() + ")");
                }
                if (write && (prot & IommuDomain.IOMMU_WRITE) == 0 || !write && (prot & IommuDomain.IOMMU_READ) == 0) {
                    return new DmaStatus.Fault(a, "IOMMU fault: " + (write ? "write to read-only" : "read from write-only")
                            + " iova " + Mm.pa(a) + " (device " + dev.name() + ")");
                }
                phys = dev.iommu.iovaToPhys(a);
            } else {
                phys = dev.dmaToPhys(a);
                if (phys < 0) {
                    return new DmaStatus.Unassigned(a, phys);
                }
            }
            String freed = dma.debugImpl().freedHit(dev, a, n);
            if (freed != null) {
                return new DmaStatus.Fault(a, freed);
            }
            long pfn = Mm.pfnDown(phys);
            if (!mem.isRam(pfn, 1)) {
                return new DmaStatus.Unassigned(a, phys);
            }
            pieces.add(mem.segment(pfn, 1).asSlice(phys & (Mm.PAGE_SIZE - 1), n));
            a += n;
            left -= n;
        }
        return pieces;
    }

    @SuppressWarnings("unchecked")
    private static List<MemorySegment> pieces(Object t) {
        return (List<MemorySegment>) t;
    }

    @Override
    public DmaStatus read(long dmaAddress, MemorySegment dst) {
        Object t = translate(dmaAddress, dst.byteSize(), false);
        if (t instanceof DmaStatus s) {
            return s;
        }
        long off = 0;
        for (MemorySegment p : pieces(t)) {
            MemorySegment.copy(p, 0, dst, off, p.byteSize());
            off += p.byteSize();
        }
        return DmaStatus.OK;
    }

    @Override
    public DmaStatus write(long dmaAddress, MemorySegment src) {
        Object t = translate(dmaAddress, src.byteSize(), true);
        if (t instanceof DmaStatus s) {
            return s;
        }
        long off = 0;
        for (MemorySegment p : pieces(t)) {
            MemorySegment.copy(src, off, p, 0, p.byteSize());
            off += p.byteSize();
        }
        return DmaStatus.OK;
    }

    @Override
    public DmaStatus fill(long dmaAddress, long length, byte value) {
        Object t = translate(dmaAddress, length, true);
        if (t instanceof DmaStatus s) {
            return s;
        }
        for (MemorySegment p : pieces(t)) {
            p.fill(value);
        }
        return DmaStatus.OK;
    }

    private DmaValue readScalar(long a, int bytes) {
        Object t = translate(a, bytes, false);
        if (t instanceof DmaStatus s) {
            return new DmaValue(s, 0);
        }
        List<MemorySegment> ps = pieces(t);
        if (ps.size() == 1 && (a & (bytes - 1)) == 0) {
            MemorySegment p = ps.getFirst();
            long v = switch (bytes) {
                case 1 -> (byte) U8_H.getAcquire(p, 0L) & 0xffL;
                case 2 -> (short) U16_H.getAcquire(p, 0L) & 0xffffL;
                case 4 -> (int) U32_H.getAcquire(p, 0L) & 0xffff_ffffL;
                default -> (long) U64_H.getAcquire(p, 0L);
            };
            return new DmaValue(DmaStatus.OK, v);
        }
        byte[] b = new byte[8];
        MemorySegment tmp = MemorySegment.ofArray(b);
        long off = 0;
        for (MemorySegment p : ps) {
            MemorySegment.copy(p, 0, tmp, off, p.byteSize());
            off += p.byteSize();
        }
        long v = tmp.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        return new DmaValue(DmaStatus.OK, bytes == 8 ? v : v & ((1L << (bytes * 8)) - 1));
    }

    private DmaStatus writeScalar(long a, int bytes, long v) {
        Object t = translate(a, bytes, true);
        if (t instanceof DmaStatus s) {
            return s;
        }
        List<MemorySegment> ps = pieces(t);
        if (ps.size() == 1 && (a & (bytes - 1)) == 0) {
            MemorySegment p = ps.getFirst();
            switch (bytes) {
                case 1 -> U8_H.setRelease(p, 0L, (byte) v);
                case 2 -> U16_H.setRelease(p, 0L, (short) v);
                case 4 -> U32_H.setRelease(p, 0L, (int) v);
                default -> U64_H.setRelease(p, 0L, v);
            }
            return DmaStatus.OK;
        }
        MemorySegment tmp = MemorySegment.ofArray(new byte[8]);
        tmp.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, v);
        long off = 0;
        for (MemorySegment p : ps) {
            MemorySegment.copy(tmp, off, p, 0, p.byteSize());
            off += p.byteSize();
        }
        return DmaStatus.OK;
    }

    @Override
    public DmaValue readU8(long a) {
        return readScalar(a, 1);
    }

    @Override
    public DmaValue readU16(long a) {
        return readScalar(a, 2);
    }

    @Override
    public DmaValue readU32(long a) {
        return readScalar(a, 4);
    }

    @Override
    public DmaValue readU64(long a) {
        return readScalar(a, 8);
    }

    @Override
    public DmaStatus writeU8(long a, int value) {
        return writeScalar(a, 1, value);
    }

    @Override
    public DmaStatus writeU16(long a, int value) {
        return writeScalar(a, 2, value);
    }

    @Override
    public DmaStatus writeU32(long a, long value) {
        return writeScalar(a, 4, value);
    }

    @Override
    public DmaStatus writeU64(long a, long value) {
        return writeScalar(a, 8, value);
    }
}

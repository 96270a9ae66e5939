package io.jcma.dma.internal;

import io.jcma.cma.mm.Mm;
import io.jcma.dma.DeviceMemory;
import io.jcma.dma.DmaStatus;
import io.jcma.dma.DmaValue;
import io.jcma.dma.internal.debug.DmaDebugImpl;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Mirrors a device's address space as QEMU's dma_memory_rw() walks it (address_space_rw through
 * the IOMMU's translate): translation page by page by the device's ops (IOMMU page tables or bus
 * offset), each page resolved in {@link Iomem} (RAM or a device model's region), every page
 * checked before any byte moves, then the copy. Naturally aligned scalars on RAM use acquire
 * loads and release stores (see package-info of io.jcma.dma) so that a device thread sees a
 * driver's writes in order; a region gets one call of the access's width.
 */
public final class DeviceMemoryImpl implements DeviceMemory {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64_UNALIGNED = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U16_H = U16.varHandle();
    private static final VarHandle U32_H = U32.varHandle();
    private static final VarHandle U64_H = U64.varHandle();
    private static final VarHandle U8_H = ValueLayout.JAVA_BYTE.varHandle();

    /** The outcome of translating a whole access: the pieces it lands on, or why it is refused. */
    private sealed interface Access {
    }

    /** A piece of the access: where it starts (DMA and physical address) and what it lands on. */
    private record Piece(long dma, long phys, Iomem.Target target) {
    }

    private record Pieces(List<Piece> list) implements Access {
    }

    private record Refused(DmaStatus status) implements Access {
    }

    private final DeviceImpl dev;
    private final Iomem iomem;
    private final DmaDebugImpl debug;

    DeviceMemoryImpl(DeviceImpl dev, Iomem iomem, DmaDebugImpl debug) {
        this.dev = dev;
        this.iomem = iomem;
        this.debug = debug;
    }

    /** The pieces [dmaAddress, +len) lands on, adjacent pieces of one region merged. */
    private Access translate(long dmaAddress, long len, boolean write) {
        if (len < 0 || len > 0 && Long.compareUnsigned(dmaAddress + len - 1, dmaAddress) < 0) {
            return new Refused(new DmaStatus.Unassigned(dmaAddress, -1));
        }
        List<Piece> pieces = new ArrayList<>();
        long a = dmaAddress;
        long left = len;
        while (left > 0) {
            long n = Math.min(left, Mm.PAGE_SIZE - (a & (Mm.PAGE_SIZE - 1)));
            long phys;
            switch (dev.ops().translate(dev, a, write)) {
                case DmaMapOps.Refused(DmaStatus why) -> {
                    return new Refused(why);
                }
                case DmaMapOps.Phys(long p) -> phys = p;
            }
            String freed = debug.freedHit(dev, a, n);
            if (freed != null) {
                return new Refused(new DmaStatus.Fault(a, freed));
            }
            Optional<Iomem.Target> t = iomem.target(phys, n);
            if (t.isEmpty()) {
                return new Refused(new DmaStatus.Unassigned(a, phys));
            }
            Piece last = pieces.isEmpty() ? null : pieces.getLast();
            if (last != null && last.target() instanceof Iomem.Region lr && t.get() instanceof Iomem.Region r
                    && lr.region() == r.region() && lr.offset() + lr.length() == r.offset()) {
                pieces.set(pieces.size() - 1, new Piece(last.dma(), last.phys(),
                        new Iomem.Region(r.region(), lr.offset(), lr.length() + n)));
            } else {
                pieces.add(new Piece(a, phys, t.get()));
            }
            a += n;
            left -= n;
        }
        return new Pieces(pieces);
    }

    /** A region's refusal, with the access's own addresses. */
    private static DmaStatus answer(DmaStatus s, Piece p) {
        return switch (s) {
            case DmaStatus.Ok ok -> ok;
            case DmaStatus.Unassigned u -> new DmaStatus.Unassigned(p.dma(), p.phys());
            case DmaStatus.Fault f -> new DmaStatus.Fault(p.dma(), f.reason());
        };
    }

    private static long length(Iomem.Target t) {
        return switch (t) {
            case Iomem.Ram r -> r.slice().byteSize();
            case Iomem.Region r -> r.length();
        };
    }

    /** Copies the pieces into {@code dst} from its start; the first refusal of a region stops it. */
    private static DmaStatus readPieces(List<Piece> pieces, MemorySegment dst) {
        long off = 0;
        for (Piece p : pieces) {
            long n = length(p.target());
            switch (p.target()) {
                case Iomem.Ram r -> MemorySegment.copy(r.slice(), 0, dst, off, n);
                case Iomem.Region r -> {
                    DmaStatus s = r.region().read(r.offset(), dst.asSlice(off, n));
                    if (!s.ok()) {
                        return answer(s, p);
                    }
                }
            }
            off += n;
        }
        return DmaStatus.OK;
    }

    /** Copies {@code src} from its start over the pieces; the first refusal of a region stops it. */
    private static DmaStatus writePieces(List<Piece> pieces, MemorySegment src) {
        long off = 0;
        for (Piece p : pieces) {
            long n = length(p.target());
            switch (p.target()) {
                case Iomem.Ram r -> MemorySegment.copy(src, off, r.slice(), 0, n);
                case Iomem.Region r -> {
                    DmaStatus s = r.region().write(r.offset(), src.asSlice(off, n));
                    if (!s.ok()) {
                        return answer(s, p);
                    }
                }
            }
            off += n;
        }
        return DmaStatus.OK;
    }

    @Override
    public DmaStatus read(long dmaAddress, MemorySegment dst) {
        return switch (translate(dmaAddress, dst.byteSize(), false)) {
            case Refused r -> r.status();
            case Pieces p -> readPieces(p.list(), dst);
        };
    }

    @Override
    public DmaStatus write(long dmaAddress, MemorySegment src) {
        return switch (translate(dmaAddress, src.byteSize(), true)) {
            case Refused r -> r.status();
            case Pieces p -> writePieces(p.list(), src);
        };
    }

    @Override
    public DmaStatus fill(long dmaAddress, long length, byte value) {
        return switch (translate(dmaAddress, length, true)) {
            case Refused r -> r.status();
            case Pieces p -> {
                for (Piece piece : p.list()) {
                    switch (piece.target()) {
                        case Iomem.Ram r -> r.slice().fill(value);
                        case Iomem.Region r -> {
                            DmaStatus s = r.region().write(r.offset(), MemorySegment.ofArray(new byte[(int) r.length()]).fill(value));
                            if (!s.ok()) {
                                yield answer(s, piece);
                            }
                        }
                    }
                }
                yield DmaStatus.OK;
            }
        };
    }

    /** One aligned scalar on one page of RAM: the acquire load that pairs with a release store. */
    private static long loadAcquire(MemorySegment p, int bytes) {
        return switch (bytes) {
            case 1 -> (byte) U8_H.getAcquire(p, 0L) & 0xffL;
            case 2 -> (short) U16_H.getAcquire(p, 0L) & 0xffffL;
            case 4 -> (int) U32_H.getAcquire(p, 0L) & 0xffff_ffffL;
            default -> (long) U64_H.getAcquire(p, 0L);
        };
    }

    private static void storeRelease(MemorySegment p, int bytes, long v) {
        switch (bytes) {
            case 1 -> U8_H.setRelease(p, 0L, (byte) v);
            case 2 -> U16_H.setRelease(p, 0L, (short) v);
            case 4 -> U32_H.setRelease(p, 0L, (int) v);
            default -> U64_H.setRelease(p, 0L, v);
        }
    }

    private DmaValue readScalar(long a, int bytes) {
        return switch (translate(a, bytes, false)) {
            case Refused r -> new DmaValue(r.status(), 0);
            case Pieces(List<Piece> ps) -> {
                if (ps.size() == 1 && (a & (bytes - 1)) == 0 && ps.getFirst().target() instanceof Iomem.Ram r) {
                    yield new DmaValue(DmaStatus.OK, loadAcquire(r.slice(), bytes));
                }
                MemorySegment tmp = MemorySegment.ofArray(new byte[8]);
                DmaStatus s = readPieces(ps, tmp);
                long v = tmp.get(U64_UNALIGNED, 0);
                yield s.ok() ? new DmaValue(DmaStatus.OK, bytes == 8 ? v : v & ((1L << (bytes * 8)) - 1)) : new DmaValue(s, 0);
            }
        };
    }

    private DmaStatus writeScalar(long a, int bytes, long v) {
        return switch (translate(a, bytes, true)) {
            case Refused r -> r.status();
            case Pieces(List<Piece> ps) -> {
                if (ps.size() == 1 && (a & (bytes - 1)) == 0 && ps.getFirst().target() instanceof Iomem.Ram r) {
                    storeRelease(r.slice(), bytes, v);
                    yield DmaStatus.OK;
                }
                MemorySegment tmp = MemorySegment.ofArray(new byte[8]);
                tmp.set(U64_UNALIGNED, 0, v);
                yield writePieces(ps, tmp.asSlice(0, bytes));
            }
        };
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

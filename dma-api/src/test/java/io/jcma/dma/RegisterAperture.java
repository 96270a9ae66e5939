package io.jcma.dma;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Another kind of device memory, one class again: an MMIO aperture of 32-bit registers with no
 * CPU view, which records every access and decodes only its first 16 registers.
 */
class RegisterAperture implements MemoryRegion {
    /** One access as the region saw it. */
    record Access(boolean write, long offset, long length) {
    }

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final int[] regs = new int[16];
    final List<Access> log = new ArrayList<>();

    @Override
    public String name() {
        return "register-aperture";
    }

    @Override
    public long size() {
        return 4096;
    }

    private static boolean decodes(long offset, long length) {
        return length == 4 && (offset & 3) == 0 && offset < 64;
    }

    @Override
    public synchronized DmaStatus read(long offset, MemorySegment dst) {
        log.add(new Access(false, offset, dst.byteSize()));
        if (!decodes(offset, dst.byteSize())) {
            return new DmaStatus.Unassigned(-1, -1);
        }
        dst.set(U32, 0, regs[(int) (offset >>> 2)]);
        return DmaStatus.OK;
    }

    @Override
    public synchronized DmaStatus write(long offset, MemorySegment src) {
        log.add(new Access(true, offset, src.byteSize()));
        if (!decodes(offset, src.byteSize())) {
            return new DmaStatus.Fault(-1, "register-aperture: no register at 0x" + Long.toHexString(offset));
        }
        regs[(int) (offset >>> 2)] = src.get(U32, 0);
        return DmaStatus.OK;
    }

    synchronized int reg(int i) {
        return regs[i];
    }
}

package io.jcma.devices.hw.internal;

import io.jcma.devices.hw.BusFault;
import io.jcma.devices.hw.Clock;
import io.jcma.devices.hw.DmaPort;
import io.jcma.dma.DeviceMemory;
import io.jcma.dma.DmaStatus;
import io.jcma.dma.DmaValue;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A model's port to memory, as QEMU's dma_memory_read()/dma_memory_write() through the device's
 * address space: every access goes to the device's {@link DeviceMemory} (bus offset, IOMMU) and
 * every refused one becomes a {@link BusFault} (with the address the bus refused) for the board
 * and is counted.
 *
 * <p>Ordering: DeviceMemory's naturally aligned scalars already load with acquire and store with
 * release; readU32Acquire and writeU32Release add the fences themselves (acquire after the load,
 * release before the store), so an ownership word is ordered even where it is unaligned or
 * crosses a page and the DMA layer copies it byte-wise.
 */
public final class DmaPortImpl implements DmaPort {
    private final DeviceMemory memory;
    private final String device;
    private final Clock clock;
    private final Consumer<BusFault> sink;
    private final LongAdder faults = new LongAdder();

    /**
     * A port of the device named {@code device} (its platform name) whose refused accesses go to
     * {@code sink}.
     */
    public DmaPortImpl(DeviceMemory memory, String device, Clock clock, Consumer<BusFault> sink) {
        this.memory = memory;
        this.device = device;
        this.clock = clock;
        this.sink = sink;
    }

    private DmaStatus check(DmaStatus s, BusFault.Kind kind, long address, long length) {
        if (!s.ok()) {
            faults.increment();
            long at = switch (s) {
                case DmaStatus.Unassigned u -> u.dmaAddress();
                case DmaStatus.Fault f -> f.dmaAddress();
                case DmaStatus.Ok ok -> address;
            };
            sink.accept(new BusFault(device, kind, at, length, reason(s, address), clock.nanoTime()));
        }
        return s;
    }

    private DmaValue check(DmaValue v, long address, int length) {
        check(v.status(), BusFault.Kind.DMA_READ, address, length);
        return v;
    }

    static String reason(DmaStatus s, long address) {
        return switch (s) {
            case DmaStatus.Unassigned u when u.physAddress() < 0 ->
                    String.format("unassigned: dma 0x%x (access at 0x%x) reaches no physical address", u.dmaAddress(),
                            address);
            case DmaStatus.Unassigned u -> String.format("unassigned: no RAM at phys 0x%x (dma 0x%x, access at 0x%x)",
                    u.physAddress(), u.dmaAddress(), address);
            case DmaStatus.Fault f -> f.reason();
            case DmaStatus.Ok ok -> "ok";
        };
    }

    @Override
    public DmaStatus read(long dmaAddress, MemorySegment dst) {
        return check(memory.read(dmaAddress, dst), BusFault.Kind.DMA_READ, dmaAddress, dst.byteSize());
    }

    @Override
    public DmaStatus write(long dmaAddress, MemorySegment src) {
        return check(memory.write(dmaAddress, src), BusFault.Kind.DMA_WRITE, dmaAddress, src.byteSize());
    }

    @Override
    public DmaStatus fill(long dmaAddress, long length, byte value) {
        return check(memory.fill(dmaAddress, length, value), BusFault.Kind.DMA_WRITE, dmaAddress, length);
    }

    @Override
    public DmaValue readU8(long dmaAddress) {
        return check(memory.readU8(dmaAddress), dmaAddress, 1);
    }

    @Override
    public DmaValue readU16(long dmaAddress) {
        return check(memory.readU16(dmaAddress), dmaAddress, 2);
    }

    @Override
    public DmaValue readU32(long dmaAddress) {
        return check(memory.readU32(dmaAddress), dmaAddress, 4);
    }

    @Override
    public DmaValue readU64(long dmaAddress) {
        return check(memory.readU64(dmaAddress), dmaAddress, 8);
    }

    @Override
    public DmaStatus writeU8(long dmaAddress, int value) {
        return check(memory.writeU8(dmaAddress, value), BusFault.Kind.DMA_WRITE, dmaAddress, 1);
    }

    @Override
    public DmaStatus writeU16(long dmaAddress, int value) {
        return check(memory.writeU16(dmaAddress, value), BusFault.Kind.DMA_WRITE, dmaAddress, 2);
    }

    @Override
    public DmaStatus writeU32(long dmaAddress, long value) {
        return check(memory.writeU32(dmaAddress, value), BusFault.Kind.DMA_WRITE, dmaAddress, 4);
    }

    @Override
    public DmaStatus writeU64(long dmaAddress, long value) {
        return check(memory.writeU64(dmaAddress, value), BusFault.Kind.DMA_WRITE, dmaAddress, 8);
    }

    @Override
    public DmaValue readU32Acquire(long dmaAddress) {
        DmaValue v = memory.readU32(dmaAddress);
        VarHandle.acquireFence();
        return check(v, dmaAddress, 4);
    }

    @Override
    public DmaStatus writeU32Release(long dmaAddress, long value) {
        VarHandle.releaseFence();
        return check(memory.writeU32(dmaAddress, value), BusFault.Kind.DMA_WRITE, dmaAddress, 4);
    }

    @Override
    public long faults() {
        return faults.sum();
    }
}

package io.jcma.dma;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * A new kind of device memory, added as one class outside the DMA layer: a device model's
 * local SRAM that the CPU also sees (behind a BAR), as a device model in the devices module
 * would write it.
 */
class LocalSram implements MemoryRegion {
    private final MemorySegment cells;

    LocalSram(Arena arena, long size) {
        this.cells = arena.allocate(size, 4096);
    }

    @Override
    public String name() {
        return "local-sram";
    }

    @Override
    public long size() {
        return cells.byteSize();
    }

    @Override
    public DmaStatus read(long offset, MemorySegment dst) {
        MemorySegment.copy(cells, offset, dst, 0, dst.byteSize());
        return DmaStatus.OK;
    }

    @Override
    public DmaStatus write(long offset, MemorySegment src) {
        MemorySegment.copy(src, 0, cells, offset, src.byteSize());
        return DmaStatus.OK;
    }

    @Override
    public Optional<MemorySegment> cpuView() {
        return Optional.of(cells);
    }
}

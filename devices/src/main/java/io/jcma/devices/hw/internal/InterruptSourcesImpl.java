package io.jcma.devices.hw.internal;

import io.jcma.devices.hw.InterruptSources;
import io.jcma.devices.hw.IrqLine;

/**
 * A line driven by status &amp; enable, as QEMU's edu device computes its irq level: recomputed
 * by the registers' listeners after every access and every model change, under the block's
 * monitor, so the line never shows a state the registers do not.
 */
public final class InterruptSourcesImpl implements InterruptSources {
    private final RegisterBlockImpl block;
    private final RegisterImpl status;
    private final RegisterImpl enable;
    private final IrqLine line;

    InterruptSourcesImpl(RegisterBlockImpl block, RegisterImpl status, RegisterImpl enable, IrqLine line) {
        this.block = block;
        this.status = status;
        this.enable = enable;
        this.line = line;
        synchronized (block) {
            status.listeners.add(this::recompute);
            if (enable != status) {
                enable.listeners.add(this::recompute);
            }
            recompute();
        }
    }

    @Override
    public void raise(long bits) {
        status.setBits(bits);
    }

    @Override
    public void clear(long bits) {
        status.clearBits(bits);
    }

    @Override
    public void recompute() {
        synchronized (block) {
            line.set((status.value & enable.value) != 0);
        }
    }

    @Override
    public long pending() {
        synchronized (block) {
            return status.value & enable.value;
        }
    }
}

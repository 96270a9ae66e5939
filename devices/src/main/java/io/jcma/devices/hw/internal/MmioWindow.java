package io.jcma.devices.hw.internal;

import io.jcma.devices.hw.BusFault;
import io.jcma.devices.hw.Clock;
import io.jcma.devices.hw.Mmio;
import io.jcma.devices.hw.MmioResult;
import io.jcma.devices.hw.RegisterBlock;
import io.jcma.cma.kernel.KernelLog;

import java.util.function.Consumer;

/**
 * A driver's mapping of one MMIO region (devm_platform_ioremap_resource()), as readl/writel
 * reach a device through the interconnect: the access is checked against the region, then
 * answered by the model's register block behind it, if any. A refused access does what a
 * master abort does: a read answers all ones, a write is dropped, and the board records a
 * {@link BusFault} and logs it (rate-limited). After unmapping every access is refused.
 * The raw {@link #read}/{@link #write} answer the bus's result without recording it.
 */
public final class MmioWindow implements Mmio {
    private final String device;
    private final long phys;
    private final long size;
    private final RegisterBlock block;
    private final Clock clock;
    private final Consumer<BusFault> faults;
    private final KernelLog log;
    private volatile boolean unmapped;

    /** The window at {@code phys} of {@code size} bytes onto {@code block} (null: nothing answers). */
    public MmioWindow(String device, long phys, long size, RegisterBlock block, Clock clock, Consumer<BusFault> faults,
               KernelLog log) {
        this.device = device;
        this.phys = phys;
        this.size = size;
        this.block = block;
        this.clock = clock;
        this.faults = faults;
        this.log = log;
    }

    /** iounmap(): every later access is refused. */
    public void unmap() {
        unmapped = true;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public long physAddress() {
        return phys;
    }

    @Override
    public MmioResult read(long offset, int width) {
        MmioResult.BusError e = refuse(offset, width);
        return e != null ? e : block.read(offset, width);
    }

    @Override
    public MmioResult write(long offset, int width, long value) {
        MmioResult.BusError e = refuse(offset, width);
        return e != null ? e : block.write(offset, width, value);
    }

    private MmioResult.BusError refuse(long offset, int width) {
        if (unmapped) {
            return new MmioResult.BusError(offset, width, MmioResult.BusError.Kind.DECODE, String.format(
                    "offset: 0x%x (expected: a mapped region; phys 0x%x was iounmap'ed at unbind)", offset, phys));
        }
        if (offset < 0 || offset >= size || size - offset < width) {
            return new MmioResult.BusError(offset, width, MmioResult.BusError.Kind.DECODE, String.format(
                    "offset: 0x%x (expected: below the region's size 0x%x)", offset, size));
        }
        if (block == null) {
            return new MmioResult.BusError(offset, width, MmioResult.BusError.Kind.DECODE, String.format(
                    "offset: 0x%x (expected: a device model at phys 0x%x; none answers)", offset, phys));
        }
        return null;
    }

    private long readChecked(String op, long offset, int width) {
        MmioResult r = read(offset, width);
        if (r instanceof MmioResult.Ok ok) {
            return ok.value();
        }
        fault(op, BusFault.Kind.MMIO_READ, offset, width, (MmioResult.BusError) r);
        return width == 8 ? -1L : (1L << (width * 8)) - 1;
    }

    private void writeChecked(String op, long offset, int width, long value) {
        MmioResult r = write(offset, width, value);
        if (r instanceof MmioResult.BusError e) {
            fault(op, BusFault.Kind.MMIO_WRITE, offset, width, e);
        }
    }

    private void fault(String op, BusFault.Kind kind, long offset, int width, MmioResult.BusError e) {
        faults.accept(new BusFault(device, kind, offset, width, e.reason(), clock.nanoTime()));
        log.errRatelimited("mmio " + device, String.format("%s: MMIO bus error: %s at phys 0x%x (offset 0x%x): %s",
                device, op, phys + offset, offset, e.reason()));
    }

    @Override
    public int readb(long offset) {
        return (int) readChecked("readb", offset, 1);
    }

    @Override
    public int readw(long offset) {
        return (int) readChecked("readw", offset, 2);
    }

    @Override
    public int readl(long offset) {
        return (int) readChecked("readl", offset, 4);
    }

    @Override
    public long readq(long offset) {
        return readChecked("readq", offset, 8);
    }

    @Override
    public void writeb(int value, long offset) {
        writeChecked("writeb", offset, 1, value & 0xffL);
    }

    @Override
    public void writew(int value, long offset) {
        writeChecked("writew", offset, 2, value & 0xffffL);
    }

    @Override
    public void writel(int value, long offset) {
        writeChecked("writel", offset, 4, value & 0xffff_ffffL);
    }

    @Override
    public void writeq(long value, long offset) {
        writeChecked("writeq", offset, 8, value);
    }
}

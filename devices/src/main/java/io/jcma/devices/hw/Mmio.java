package io.jcma.devices.hw;

/**
 * A driver's handle on one MMIO region of its device, as {@code devm_platform_ioremap_resource()}
 * returns one: offsets from the region's start, values little-endian, argument order the
 * kernel's ({@code writel(value, offset)}).
 *
 * <p>A bus error does not throw: as a PCIe master abort does, a read answers all ones
 * ({@code ~0}), a write is dropped, and the error is recorded as a {@link BusFault} of the device
 * (which fails a JUnit test that did not declare it) and logged. {@link #read} and
 * {@link #write} give the bus's answer itself, for tests of the device.
 */
public sealed interface Mmio permits io.jcma.devices.hw.internal.MmioWindow {

    /** The region's size in bytes. */
    long size();

    /** The region's CPU physical address (the node's {@code reg}). */
    long physAddress();

    int readb(long offset);

    int readw(long offset);

    int readl(long offset);

    long readq(long offset);

    void writeb(int value, long offset);

    void writew(int value, long offset);

    void writel(int value, long offset);

    void writeq(long value, long offset);

    /** The raw bus answer of a {@code width}-byte read. */
    MmioResult read(long offset, int width);

    /** The raw bus answer of a {@code width}-byte write. */
    MmioResult write(long offset, int width, long value);
}

package io.jcma.devices.internal;

import io.jcma.cma.of.DeviceNode;
import io.jcma.devices.hw.Clock;
import io.jcma.devices.hw.DeviceThread;
import io.jcma.devices.hw.DmaPort;
import io.jcma.devices.hw.IrqLine;
import io.jcma.devices.hw.ModelContext;
import io.jcma.devices.hw.TransferTiming;
import io.jcma.devices.hw.internal.DeviceThreadImpl;

import java.util.ArrayList;
import java.util.List;

/**
 * The wiring a board gives one model, as QEMU's realize sees its device's properties, address
 * space, irqs and clock: the node, a DmaPort over the platform device's struct device, the
 * node's interrupt outputs, the board clock and timing, threads the board stops at unrealize,
 * and guest errors into the kernel log.
 */
final class ModelContextImpl implements ModelContext {
    private final BoardImpl board;
    private final PlatformDeviceImpl pdev;
    private final DmaPort port;
    private final List<IrqLine> lines;
    private final TransferTiming timing;
    private final List<DeviceThreadImpl> threads = new ArrayList<>();

    ModelContextImpl(BoardImpl board, PlatformDeviceImpl pdev, List<IrqLine> lines, TransferTiming timing) {
        this.board = board;
        this.pdev = pdev;
        this.lines = List.copyOf(lines);
        this.timing = timing;
        this.port = new io.jcma.devices.hw.internal.DmaPortImpl(pdev.dev().memory(), pdev.name(), board.clock(),
                board::fault);
    }

    @Override
    public String name() {
        return pdev.name();
    }

    @Override
    public DeviceNode node() {
        return pdev.ofNode();
    }

    @Override
    public DmaPort dma() {
        return port;
    }

    @Override
    public IrqLine irq(int index) {
        if (index < 0 || index >= lines.size()) {
            throw new IndexOutOfBoundsException("index: " + index + " (expected: 0.." + (lines.size() - 1)
                    + ", the entries of " + pdev.ofNode().path() + "'s interrupts)");
        }
        return lines.get(index);
    }

    @Override
    public int irqCount() {
        return lines.size();
    }

    @Override
    public Clock clock() {
        return board.clock();
    }

    @Override
    public TransferTiming timing() {
        return timing;
    }

    @Override
    public synchronized DeviceThread startThread(String name, DeviceThread.Work work) {
        DeviceThreadImpl t = DeviceThreadImpl.start(name, work, board.machine().log()::err);
        threads.add(t);
        return t;
    }

    @Override
    public void guestError(String message) {
        board.guestError(pdev.name(), message);
    }

    /** Stops every thread the model started and did not stop itself. */
    void stopThreads() {
        List<DeviceThreadImpl> ts;
        synchronized (this) {
            ts = List.copyOf(threads);
        }
        ts.forEach(DeviceThreadImpl::stop);
    }

    /** Model bugs its threads caught. */
    synchronized long bugs() {
        return threads.stream().mapToLong(DeviceThreadImpl::bugs).sum();
    }
}

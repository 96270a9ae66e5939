package io.jcma.devices.hw.testcounter;

import io.jcma.devices.hw.DeviceModel;
import io.jcma.devices.hw.DeviceThread;
import io.jcma.devices.hw.FieldMode;
import io.jcma.devices.hw.InterruptSources;
import io.jcma.devices.hw.ModelContext;
import io.jcma.devices.hw.RegisterBlock;
import io.jcma.dma.DmaValue;

import java.util.List;

import static io.jcma.devices.hw.testcounter.TestCounterLayout.*;

/** The test-only counter device of {@link TestCounterLayout}, with its own thread. */
public final class TestCounterModel implements DeviceModel {
    private RegisterBlock regs;
    private InterruptSources irqs;
    private DeviceThread thread;
    private ModelContext ctx;
    private long pending;
    private int cmd;
    private volatile boolean unrealized;
    private volatile int resets;

    @Override
    public void realize(ModelContext c) {
        ctx = c;
        regs = RegisterBlock.builder(c.name(), SIZE).clock(c.clock()).guestErrors(c::guestError)
                .register("ID", ID, 4).field("ID", 0, 32, FieldMode.RO, ID_VALUE & 0xffff_ffffL).end()
                .register("CTRL", CTRL, 4).field("EN", 0, 1, FieldMode.RW).field("RES", 8, 8, FieldMode.RSVD, 0x5a).end()
                .register("STATUS", STATUS, 4).field("DONE", 0, 1, FieldMode.W1C).field("DMA_ERR", 1, 1, FieldMode.W1C).end()
                .register("ENABLE", ENABLE, 4).field("DONE", 0, 1, FieldMode.RW).field("DMA_ERR", 1, 1, FieldMode.RW).end()
                .register("DOORBELL", DOORBELL, 4).field("COUNT", 0, 16, FieldMode.WO)
                .ignoreWritesWhen(() -> regs.register("CTRL").field("EN") == 0, "counter disabled")
                .postWrite((r, v) -> doorbell(v & 0xffff)).end()
                .register("EVENTS", EVENTS, 4).field("N", 0, 32, FieldMode.RO).end()
                .register("DMA_ADDR", DMA_ADDR, 8).field("A", 0, 64, FieldMode.RW).accessWidths(4, 8).end()
                .register("DMA_CMD", DMA_CMD, 4).field("WRITE", 0, 1, FieldMode.WO).field("READ", 1, 1, FieldMode.WO)
                .postWrite((r, v) -> command((int) v & 3)).end()
                .register("DMA_DATA", DMA_DATA, 4).field("D", 0, 32, FieldMode.RO).end()
                .build();
        irqs = InterruptSources.attach(regs.register("STATUS"), regs.register("ENABLE"), c.irq(0));
        thread = c.startThread(c.name(), this::step);
    }

    private synchronized void doorbell(long count) {
        pending += count;
        thread.kick();
    }

    private synchronized void command(int c) {
        cmd |= c;
        thread.kick();
    }

    /** One event or one DMA command per step, as a simple engine does. */
    private boolean step() {
        int c;
        boolean event;
        synchronized (this) {
            c = cmd;
            cmd = 0;
            event = pending > 0;
            if (event) {
                pending--;
            }
        }
        if ((c & CMD_WRITE) != 0) {
            long addr = regs.register("DMA_ADDR").value();
            long events = regs.register("EVENTS").value();
            if (!ctx.dma().writeU32(addr, events).ok()) {
                irqs.raise(DMA_ERR);
            }
        }
        if ((c & CMD_READ) != 0) {
            DmaValue v = ctx.dma().readU32(regs.register("DMA_ADDR").value());
            if (v.ok()) {
                regs.register("DMA_DATA").set(v.value());
            } else {
                irqs.raise(DMA_ERR);
            }
        }
        if (event) {
            regs.atomically(() -> {
                regs.register("EVENTS").set(regs.register("EVENTS").value() + 1);
                irqs.raise(DONE);
            });
        }
        synchronized (this) {
            return pending > 0 || cmd != 0;
        }
    }

    @Override
    public List<RegisterBlock> mmio() {
        return List.of(regs);
    }

    @Override
    public void reset() {
        synchronized (this) {
            pending = 0;
            cmd = 0;
        }
        regs.reset();
        resets++;
    }

    @Override
    public void unrealize() {
        unrealized = true;
        thread.stop();
    }

    public boolean unrealized() {
        return unrealized;
    }

    public int resets() {
        return resets;
    }

    public RegisterBlock regs() {
        return regs;
    }

    /** The wiring the board gave it. */
    public ModelContext context() {
        return ctx;
    }
}

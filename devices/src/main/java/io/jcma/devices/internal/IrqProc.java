package io.jcma.devices.internal;

import io.jcma.cma.fs.KernelFs;

/**
 * Mirrors kernel/irq/proc.c: /proc/interrupts (show_interrupts(), 6.12's layout: one column per
 * CPU, the chip, the hwirq, "Level" or "Edge", the actions' names), /proc/irq/N/spurious and
 * the /proc/irq/N/NAME directories of the actions. The board has one CPU. arm64's own lines
 * (IPI0.., Err) are not shown: the board has no IPIs.
 */
final class IrqProc {
    /** nr_irqs of an arm64 kernel before descriptors are added (NR_IRQS 64). */
    private static final int NR_IRQS_MIN = 64;

    private final IrqCore core;
    private final KernelFs fs;

    IrqProc(IrqCore core, KernelFs fs) {
        this.core = core;
        this.fs = fs;
        fs.registerFile("/proc/interrupts", this::interrupts, null);
    }

    /** register_irq_proc(): /proc/irq/N/spurious. */
    void registerIrq(int irq) {
        fs.registerFile("/proc/irq/" + irq + "/spurious", () -> spurious(irq), null);
    }

    /** register_handler_proc(): /proc/irq/N/NAME/, once per name. */
    void registerHandler(int irq, String name) {
        if (name != null && !name.isEmpty() && !name.contains("/")) {
            fs.mkdir("/proc/irq/" + irq + "/" + name);
        }
    }

    void unregisterHandler(int irq, String name) {
        if (name != null && !name.isEmpty() && !name.contains("/")) {
            fs.remove("/proc/irq/" + irq + "/" + name);
        }
    }

    /** show_interrupts() for every descriptor with an action or a count. */
    String interrupts() {
        StringBuilder b = new StringBuilder();
        core.lock.lock();
        try {
            int nrIrqs = Math.max(NR_IRQS_MIN, core.descs().size() + 1);
            int prec = 3;
            for (int j = 1000; prec < 10 && j <= nrIrqs; ++prec) {
                j *= 10;
            }
            b.append(" ".repeat(prec + 8)).append(String.format("CPU%-8d", 0)).append('\n');
            for (IrqDesc d : core.descs()) {
                if (d.actions.isEmpty() && d.count == 0) {
                    continue;
                }
                b.append(String.format("%" + prec + "d: ", d.irq));
                b.append(String.format("%10d ", d.count));
                b.append(String.format(" %8s", Gic.NAME));
                b.append(String.format(" %" + prec + "d", d.hwirq));
                b.append(String.format(" %-8s", Gic.isLevel(core.gic.type(d.hwirq)) ? "Level" : "Edge"));
                for (int i = 0; i < d.actions.size(); i++) {
                    b.append(i == 0 ? "  " : ", ").append(d.actions.get(i).name);
                }
                b.append('\n');
            }
        } finally {
            core.lock.unlock();
        }
        return b.toString();
    }

    /** irq_spurious_proc_show(). */
    String spurious(int irq) {
        core.lock.lock();
        try {
            IrqDesc d = core.desc(irq);
            return "count " + d.irqCount + "\nunhandled " + d.irqsUnhandled + "\nlast_unhandled " + d.lastUnhandledMs
                    + " ms\n";
        } finally {
            core.lock.unlock();
        }
    }
}

package io.jcma.devices.drivers;

import io.jcma.cma.of.DeviceNode;
import io.jcma.devices.hw.Clock;
import io.jcma.devices.hw.Mmio;
import io.jcma.dma.Device;
import io.jcma.dma.Dma;

import java.util.Optional;

/**
 * struct platform_device, as a driver sees it: its node, its struct device for the DMA API, its
 * registers and interrupts, managed resources, and driver data.
 */
public interface PlatformDevice {

    /** dev_name(): "10200000.dma-controller", as of_device_make_bus_id() names a DT device. */
    String name();

    /** dev->of_node. */
    DeviceNode ofNode();

    /** The struct device the DMA API takes (masks, bus offset, IOMMU, its own CMA area). */
    Device dev();

    /** The machine's DMA API. */
    Dma dma();

    /** The board's clock, for timeouts. */
    Clock clock();

    /** The core the device sits on (for subsystems: {@link DriverCore#subsystem}). */
    DriverCore core();

    /** The bound driver's name, if one is bound. */
    Optional<String> driverName();

    /**
     * devm_platform_ioremap_resource(pdev, index): the registers of {@code reg} entry
     * {@code index}, unmapped at unbind.
     *
     * @throws io.jcma.cma.kernel.ErrnoException EINVAL if the node has no such entry, EBUSY if
     *                                           it is mapped already
     */
    Mmio ioremap(int index);

    /**
     * platform_get_irq(pdev, index): the Linux IRQ number of {@code interrupts} entry {@code index}.
     *
     * @throws io.jcma.cma.kernel.ErrnoException ENXIO if there is none
     */
    int getIrq(int index);

    /**
     * devm_request_threaded_irq(): {@code handler} may be null (then the thread function runs
     * for every interrupt, which needs IRQF_ONESHOT, as the kernel insists); freed at unbind.
     *
     * @throws io.jcma.cma.kernel.ErrnoException EINVAL for an unknown irq, no handler and no
     *                                           thread function, or a null handler without
     *                                           IRQF_ONESHOT; EBUSY when the line is taken and
     *                                           not shared by both
     */
    void requestThreadedIrq(int irq, IrqHandler handler, IrqHandler threadFn, long flags, String name, Object devId);

    /**
     * free_irq() before unbind; waits for running handlers of that devId.
     *
     * @throws IllegalStateException if that devId holds no handler on the line
     */
    void freeIrq(int irq, Object devId);

    /** disable_irq(): masks the line (nesting) and waits for running handlers. */
    void disableIrq(int irq);

    /** disable_irq_nosync(). */
    void disableIrqNosync(int irq);

    /**
     * enable_irq(): undoes one disable.
     *
     * @throws IllegalStateException if the line is not disabled ("Unbalanced enable for IRQ %d")
     */
    void enableIrq(int irq);

    /** synchronize_irq(): waits until no hard handler or thread function of the line runs. */
    void synchronizeIrq(int irq);

    /** devm_add_action(): runs at unbind, in reverse order of adding, after remove(). */
    void devmAddAction(Runnable action);

    /** platform_set_drvdata(). */
    void setDrvdata(Object data);

    /**
     * platform_get_drvdata().
     *
     * @throws IllegalStateException if none is set or it is not a {@code type}
     */
    <T> T drvdata(Class<T> type);

    /** dev_info(): "DRIVER NAME: message" in the kernel log. */
    void info(String message);

    /** dev_warn(). */
    void warn(String message);

    /** dev_err(). */
    void err(String message);

    /** dev_dbg() (shown with dyndbg / cma_debug on the command line). */
    void dbg(String message);
}

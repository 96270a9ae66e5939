package io.jcma.devices.internal;

import io.jcma.cma.of.DeviceNode;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import io.jcma.cma.fdt.Fdt;
import io.jcma.cma.fdt.FdtException;
import io.jcma.cma.fdt.FdtNode;
import io.jcma.cma.fdt.FdtProperty;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.devices.Board;
import io.jcma.devices.BoardOptions;
import io.jcma.devices.drivers.DriverCore;
import io.jcma.devices.drivers.DriverProvider;
import io.jcma.devices.drivers.PlatformDevice;
import io.jcma.devices.drivers.PlatformDriver;
import io.jcma.devices.hw.BusFault;
import io.jcma.devices.hw.Clock;
import io.jcma.devices.hw.DeviceModel;
import io.jcma.devices.hw.DeviceModelProvider;
import io.jcma.devices.hw.IrqLine;
import io.jcma.devices.hw.RegisterBlock;
import io.jcma.devices.hw.TransferTiming;
import io.jcma.devices.hw.internal.MmioWindow;
import io.jcma.dma.Device;
import io.jcma.dma.Dma;
import io.jcma.dma.IommuDomain;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * A booted board, in the kernel's order: the machine with the DMA layer's hook, the interrupt
 * controller, of_platform_default_populate() ({@link OfPlatform}) with of_dma_configure() for
 * each device, the models realized on their nodes and reset, then the drivers registered
 * (driver_register() at module_init time: built-in ones, then the options' own).
 */
public final class BoardImpl implements Board {
    /** Faults and guest errors kept; a runaway device must not fill the heap. Counting goes on. */
    static final int KEEP = 100_000;
    /** The IOMMU aperture of a domain of jcma's own (arm-smmu-v3's 48-bit input addresses). */
    static final int IOMMU_BITS = 48;

    private final Machine machine;
    private final Dma dma;
    private final BoardOptions options;
    private final Clock clock;
    private final IrqCore irq;
    private final DriverCoreImpl core;
    private final Map<String, DeviceModel> models = new LinkedHashMap<>();
    private final Map<String, ModelContextImpl> contexts = new LinkedHashMap<>();
    private final TreeMap<Long, RegisterBlock> mmio = new TreeMap<>();
    private final List<long[]> regions = new ArrayList<>();
    private final List<BusFault> faults = new ArrayList<>();
    private final List<String> guestErrors = new ArrayList<>();
    private int iommuGroups;
    private boolean closed;

    private BoardImpl(Machine machine, Dma dma, BoardOptions options) {
        this.machine = machine;
        this.dma = dma;
        this.options = options;
        this.clock = options.clock();
        KernelLog log = machine.log();
        this.irq = new IrqCore(log, clock, machine.cmdline().has("noirqdebug"), machine.fs());
        try {
            this.core = populate(log);
        } catch (RuntimeException e) {
            contexts.values().forEach(ModelContextImpl::stopThreads);
            irq.close();
            throw e;
        }
        registerDrivers();
    }

    /** of_platform_default_populate(), then the models; the driver core over the devices. */
    private DriverCoreImpl populate(KernelLog log) {
        PlatformSysfs sysfs = new PlatformSysfs(machine.fs(), log, machine.deviceTree());
        List<PlatformDeviceImpl> devices = new ArrayList<>();
        Map<PlatformDeviceImpl, List<IrqLine>> lines = new LinkedHashMap<>();
        for (OfPlatform.OfDevice of : OfPlatform.populate(machine)) {
            List<Integer> virqs = new ArrayList<>();
            List<IrqLine> outs = new ArrayList<>();
            mapInterrupts(of.node(), virqs, outs);
            PlatformDeviceImpl pdev = new PlatformDeviceImpl(this, of, dmaConfigure(of), virqs);
            devices.add(pdev);
            lines.put(pdev, outs);
            sysfs.addDevice(pdev);
        }
        DriverCoreImpl dc = new DriverCoreImpl(this, devices, sysfs);
        List<DeviceModelProvider> providers = providers();
        lines.forEach((pdev, outs) -> createModel(pdev, outs, providers));
        return dc;
    }

    /** Boots {@code platform} as {@link Board#boot} says. */
    public static Board boot(Platform platform, BoardOptions options) {
        if (platform == null || options == null) {
            throw new IllegalArgumentException("platform: " + platform + ", options: " + options + " (expected: both)");
        }
        Dma.Hook hook = Dma.hook(options.dma());
        Machine m = Machine.boot(platform, List.of(hook));
        try {
            return new BoardImpl(m, hook.dma(), options);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * irq_of_parse_and_map() for every {@code interrupts} entry: the interrupt parent is found as
     * of_irq_find_parent() does (interrupt-parent, else up the tree, to a node with
     * #interrupt-cells); only the board's GIC is a domain.
     */
    private void mapInterrupts(DeviceNode n, List<Integer> virqs, List<IrqLine> outs) {
        List<Long> cells = n.interrupts();
        if (cells.isEmpty()) {
            return;
        }
        FdtNode parent = interruptParent(n.node());
        int width = parent == null ? 0 : parent.property("#interrupt-cells").map(FdtProperty::u32).orElse(0);
        if (parent == null || !OfPlatform.isIrqchip(parent) || width < 3) {
            machine.log().warn("irq: no irq domain found for " + (parent == null ? n.path() : parent.path()) + " !");
            return;
        }
        if (cells.size() % width != 0) {
            machine.log().err("OF: " + n.path() + ": interrupts has " + cells.size() + " cells (expected: a multiple of "
                    + width + ", " + parent.path() + "'s #interrupt-cells)");
        }
        for (int i = 0; i + width <= cells.size(); i += width) {
            IrqCore.Mapping m = irq.map(n.path(), cells.get(i), cells.get(i + 1), cells.get(i + 2));
            virqs.add(m.ok() ? m.irq() : -1);
            outs.add(irq.line(m.ok() ? m.hwirq() : -1));
        }
    }

    private FdtNode interruptParent(FdtNode node) {
        Optional<Fdt> fdt = machine.deviceTree();
        FdtNode p = node;
        for (int hops = 0; p != null && hops < 64; hops++) {
            FdtNode next;
            try {
                Optional<FdtProperty> ip = p.property("interrupt-parent");
                next = ip.isPresent() && fdt.isPresent() ? fdt.get().byPhandle(ip.get().u32()).orElse(null)
                        : p.parent().orElse(null);
            } catch (FdtException e) {
                return null;
            }
            if (next != null && next.has("#interrupt-cells")) {
                return next;
            }
            p = next;
        }
        return null;
    }

    /**
     * of_dma_configure_id(): masks DMA_BIT_MASK(32) cut to the dma-ranges' end, bus offset and
     * bus_dma_limit from dma-ranges (the first range's offset: jcma's struct device has one),
     * the node's NUMA node and memory-region CMA area; an IOMMU domain of its own for the
     * options' compatibles.
     */
    private Device dmaConfigure(OfPlatform.OfDevice of) {
        DeviceNode n = of.node();
        boolean ranges = !n.dmaRanges().isEmpty() && n.busDmaLimit() != 0;
        long end = ranges ? n.busDmaLimit() : Dma.bitMask(32);
        long mask = Dma.bitMask(32) & Dma.bitMask(64 - Long.numberOfLeadingZeros(end));
        Device.Builder b = dma.newDevice(of.name()).masks(mask).numaNode(n.nid());
        n.cma().ifPresent(b::cmaArea);
        if (ranges) {
            b.busDmaLimit(end);
            long offset = n.dmaRanges().getFirst().offset();
            if (offset < 0) {
                machine.log().err("OF: " + n.path() + ": dma-ranges offset " + offset + " (expected: CPU addresses at or"
                        + " above bus addresses); ignored");
            } else if (offset != 0) {
                b.busOffset(offset);
            }
        }
        if (n.compatible().stream().anyMatch(options.iommu()::contains)) {
            b.iommu(IommuDomain.create(IOMMU_BITS));
            machine.log().info("platform " + of.name() + ": Adding to iommu group " + iommuGroups++);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            machine.log().err("OF: " + n.path() + ": of_dma_configure: " + e.getMessage() + "; DMA_BIT_MASK(32) only");
            return dma.newDevice(of.name()).build();
        }
    }

    private List<DeviceModelProvider> providers() {
        List<DeviceModelProvider> all = new ArrayList<>(options.models());
        Iterator<DeviceModelProvider> it = ServiceLoader.load(DeviceModelProvider.class).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                all.add(it.next());
            } catch (ServiceConfigurationError e) {
                machine.log().err("jcma: a DeviceModelProvider could not be loaded: " + e.getMessage());
            }
        }
        return all;
    }

    /** The first provider (options' first) that lists one of the node's compatibles, most specific first. */
    private void createModel(PlatformDeviceImpl pdev, List<IrqLine> outs, List<DeviceModelProvider> providers) {
        List<String> compat = pdev.ofNode().compatible();
        for (DeviceModelProvider p : providers) {
            Optional<String> c = compat.stream().filter(p.compatibles()::contains).findFirst();
            if (c.isPresent()) {
                realize(pdev, outs, p, c.get());
                return;
            }
        }
    }

    private void realize(PlatformDeviceImpl pdev, List<IrqLine> outs, DeviceModelProvider p, String compat) {
        KernelLog log = machine.log();
        TransferTiming timing = pdev.ofNode().compatible().stream().filter(options.timing()::containsKey).findFirst()
                .map(options.timing()::get).orElse(TransferTiming.NONE);
        ModelContextImpl ctx = new ModelContextImpl(this, pdev, outs, timing);
        DeviceModel model;
        try {
            model = p.create(compat);
            model.realize(ctx);
        } catch (RuntimeException e) {
            KernelWarn.warn(log, pdev.name() + ": model for " + compat + " failed to realize", e);
            ctx.stopThreads();
            return;
        }
        List<RegisterBlock> blocks = model.mmio() == null ? List.of() : model.mmio();
        List<FdtNode.Reg> reg = pdev.ofNode().reg();
        if (blocks.size() > reg.size()) {
            log.err(pdev.name() + ": model has " + blocks.size() + " MMIO regions, " + pdev.ofNode().path() + " has "
                    + reg.size() + " reg entries; the rest are not mapped");
        }
        synchronized (mmio) {
            for (int i = 0; i < Math.min(blocks.size(), reg.size()); i++) {
                mmio.put(reg.get(i).address(), blocks.get(i));
            }
        }
        models.put(pdev.name(), model);
        contexts.put(pdev.name(), ctx);
        log.debug(pdev.name() + ": model " + model.getClass().getName() + " for " + compat);
        try {
            model.reset();
        } catch (RuntimeException e) {
            KernelWarn.warn(log, pdev.name() + ": reset of the model threw", e);
        }
    }

    private void registerDrivers() {
        if (options.builtinDrivers()) {
            Iterator<DriverProvider> it = ServiceLoader.load(DriverProvider.class).iterator();
            while (true) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    for (PlatformDriver d : it.next().drivers()) {
                        core.register(d);
                    }
                } catch (ServiceConfigurationError | RuntimeException e) {
                    machine.log().err("jcma: a built-in driver could not be registered: " + e.getMessage());
                }
            }
        }
        try {
            options.drivers().forEach(core::register);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The window a driver's ioremap gets: the model's block at {@code phys}, or nothing behind it. */
    MmioWindow window(String device, long phys, long size) {
        RegisterBlock b;
        synchronized (mmio) {
            b = mmio.get(phys);
        }
        return new MmioWindow(device, phys, size, b, clock, this::fault, machine.log());
    }

    /** __request_mem_region(): false if it overlaps a region requested before. */
    boolean requestRegion(long start, long size) {
        synchronized (regions) {
            for (long[] r : regions) {
                if (start < r[0] + r[1] && r[0] < start + size) {
                    return false;
                }
            }
            regions.add(new long[] {start, size});
            return true;
        }
    }

    void releaseRegion(long start, long size) {
        synchronized (regions) {
            regions.removeIf(r -> r[0] == start && r[1] == size);
        }
    }

    void fault(BusFault f) {
        synchronized (faults) {
            if (faults.size() < KEEP) {
                faults.add(f);
            }
        }
    }

    /** A model's guest error; a register block named after its device does not say the name twice. */
    void guestError(String device, String message) {
        if (message.startsWith(device + ": ")) {
            message = message.substring(device.length() + 2);
        }
        machine.log().warn(device + ": guest error: " + message);
        synchronized (guestErrors) {
            if (guestErrors.size() < KEEP) {
                guestErrors.add(device + ": " + message);
            }
        }
    }

    IrqCore irq() {
        return irq;
    }

    @Override
    public Machine machine() {
        return machine;
    }

    @Override
    public Dma dma() {
        return dma;
    }

    @Override
    public DriverCore drivers() {
        return core;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Optional<PlatformDevice> device(String name) {
        return core.device(name);
    }

    @Override
    public Optional<DeviceModel> model(String name) {
        synchronized (models) {
            return Optional.ofNullable(models.get(name));
        }
    }

    @Override
    public <T extends DeviceModel> T model(String compatible, Class<T> type) {
        List<PlatformDevice> devs = core.compatible(compatible);
        if (devs.size() != 1) {
            throw new IllegalArgumentException("compatible: " + compatible + " (expected: exactly one device; found "
                    + devs.stream().map(PlatformDevice::name).toList() + ")");
        }
        String name = devs.getFirst().name();
        DeviceModel m = model(name).orElseThrow(() -> new IllegalArgumentException("compatible: " + compatible
                + " (expected: a device with a model; " + name + " has none)"));
        if (!type.isInstance(m)) {
            throw new IllegalArgumentException("compatible: " + compatible + " (expected: a " + type.getName()
                    + " model; " + name + " has a " + m.getClass().getName() + ")");
        }
        return type.cast(m);
    }

    @Override
    public List<BusFault> faults() {
        synchronized (faults) {
            return List.copyOf(faults);
        }
    }

    @Override
    public List<String> guestErrors() {
        synchronized (guestErrors) {
            return List.copyOf(guestErrors);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        core.unregisterAll();
        List<String> names = new ArrayList<>(models.keySet());
        for (int i = names.size() - 1; i >= 0; i--) {
            String n = names.get(i);
            try {
                models.get(n).unrealize();
            } catch (RuntimeException e) {
                KernelWarn.warn(machine.log(), n + ": unrealize of the model threw", e);
            }
            contexts.get(n).stopThreads();
        }
        irq.close();
        machine.close();
    }
}

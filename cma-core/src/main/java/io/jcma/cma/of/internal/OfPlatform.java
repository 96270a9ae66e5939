package io.jcma.cma.of.internal;

import io.jcma.cma.Cma;
import io.jcma.cma.fdt.Fdt;
import io.jcma.cma.fdt.FdtException;
import io.jcma.cma.fdt.FdtNode;
import io.jcma.cma.fdt.FdtProperty;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.of.DeviceNode;
import io.jcma.cma.of.ReservedRegion;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Mirrors drivers/of/platform.c: the device nodes of_platform_populate() and its callers turn
 * into platform devices, with their MMIO resources (of_address_to_resource()), interrupts,
 * DMA ranges and NUMA node, and their first {@code memory-region} resolved to the CMA area
 * made for it, as of_reserved_mem_device_init() gives a device its dev->cma_area.
 */
public final class OfPlatform {
    private OfPlatform() {
    }

    /**
     * Every available node with a {@code compatible} below the root, depth first, except the
     * root itself, /chosen, /aliases, /cpus, memory nodes, /reserved-memory and overlay
     * bookkeeping (/__symbols__ ...). A node whose properties cannot be read is logged and
     * skipped; its children are still looked at.
     */
    public static List<DeviceNode> devices(Fdt fdt, List<ReservedRegion> regions, KernelLog log) {
        List<DeviceNode> out = new ArrayList<>();
        for (FdtNode c : fdt.root().children()) {
            String base = c.baseName();
            if (base.equals("chosen") || base.equals("aliases") || base.equals("cpus") || base.equals("reserved-memory")
                    || base.startsWith("__") || isMemoryNode(c)) {
                continue;
            }
            collectDevices(fdt, c, regions, log, out);
        }
        return out;
    }

    private static boolean isMemoryNode(FdtNode n) {
        try {
            return n.property("device_type").map(p -> p.strings().contains("memory")).orElse(false);
        } catch (FdtException e) {
            return false;
        }
    }

    private static void collectDevices(Fdt fdt, FdtNode n, List<ReservedRegion> regions, KernelLog log,
                                       List<DeviceNode> out) {
        if (!OfFdt.isAvailable(n)) {
            return;
        }
        try {
            if (n.has("compatible")) {
                out.add(device(fdt, n, regions, log));
            }
        } catch (FdtException e) {
            log.err("OF: " + n.path() + ": " + e.getMessage());
        }
        for (FdtNode c : n.children()) {
            collectDevices(fdt, c, regions, log, out);
        }
    }

    /** of_platform_device_create_pdata(), for what jcma keeps of a platform device. */
    private static DeviceNode device(Fdt fdt, FdtNode n, List<ReservedRegion> regions, KernelLog log) {
        List<FdtNode.Reg> reg = new ArrayList<>();
        for (FdtNode.Reg r : n.reg()) {
            reg.add(new FdtNode.Reg(OfAddress.translate(n, r.address()), r.size()));
        }
        List<Long> irqs = new ArrayList<>();
        Optional<FdtProperty> ip = n.property("interrupts");
        if (ip.isPresent()) {
            for (int c : ip.get().cells()) {
                irqs.add(Integer.toUnsignedLong(c));
            }
        }
        Optional<String> region = Optional.empty();
        Optional<Cma> cma = Optional.empty();
        Optional<FdtProperty> mr = n.property("memory-region");
        if (mr.isPresent() && mr.get().length() >= 4) {
            int ph = (int) mr.get().number(0, 1);
            Optional<FdtNode> target = fdt.byPhandle(ph);
            if (target.isEmpty()) {
                log.err(String.format("OF: %s: memory-region phandle 0x%x points at no node", n.path(), ph));
            } else {
                region = Optional.of(target.get().name());
                for (ReservedRegion r : regions) {
                    if (r.path().equals(target.get().path())) {
                        cma = r.cma();
                    }
                }
            }
        }
        List<DeviceNode.DmaRange> dma = OfAddress.inheritedDmaRanges(n, log);
        long limit = 0;
        for (DeviceNode.DmaRange r : dma) {
            limit = Math.max(limit, r.busAddr() + r.size() - 1);
        }
        int nid = n.property("numa-node-id").map(FdtProperty::u32).orElse(Mm.NUMA_NO_NODE);
        return new DeviceNode(n.path(), n.compatible(), reg, irqs, region, cma, dma, limit, nid, n);
    }
}

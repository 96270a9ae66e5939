package io.jcma.cma.of.internal;

import io.jcma.cma.fdt.Fdt;
import io.jcma.cma.fdt.FdtException;
import io.jcma.cma.fdt.FdtNode;
import io.jcma.cma.fdt.FdtProperty;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.cma.of.DeviceNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Mirrors drivers/of/address.c: a node's {@code dma-ranges} (of_dma_get_range()), the smallest
 * DMA reach of the whole tree (of_dma_get_max_cpu_address(), arm64's ZONE_DMA limit) and MMIO
 * addresses translated through the parents' {@code ranges} (of_translate_address()).
 *
 * <pre>
 *   dma-ranges = &lt;bus-address  parent-address  size&gt;, ...   (#address-cells of the node,
 *                                                          of its parent, #size-cells)
 *   cpu = bus - busAddr + cpuAddr; offset = cpuAddr - busAddr (dma_range_map)
 * </pre>
 */
public final class OfAddress {
    private OfAddress() {
    }

    /**
     * of_dma_get_max_cpu_address(NULL): the smallest, over all available nodes with a
     * non-empty {@code dma-ranges}, of the highest CPU address its ranges reach; returned as an
     * exclusive limit, 0 when no node limits DMA. The parent-bus address of a range is taken as
     * the CPU address (the usual case: the bus's parents do not translate).
     */
    public static long dmaLimit(Fdt fdt, KernelLog log) {
        long max = maxCpuAddress(fdt.root(), log);
        return max == Long.MAX_VALUE ? 0 : max + 1;
    }

    private static long maxCpuAddress(FdtNode n, KernelLog log) {
        long max = Long.MAX_VALUE;
        List<DeviceNode.DmaRange> ranges = dmaRanges(n, log);
        if (!ranges.isEmpty()) {
            long cpuEnd = 0;
            for (DeviceNode.DmaRange r : ranges) {
                cpuEnd = Math.max(cpuEnd, r.cpuAddr() + r.size() - 1);
            }
            max = Math.min(max, cpuEnd);
        }
        for (FdtNode c : n.children()) {
            if (OfFdt.isAvailable(c)) {
                max = Math.min(max, maxCpuAddress(c, log));
            }
        }
        return max;
    }

    /**
     * A node's own dma-ranges: (child bus address, parent address, size) triples; empty when
     * absent, empty or malformed (logged).
     */
    static List<DeviceNode.DmaRange> dmaRanges(FdtNode n, KernelLog log) {
        Optional<FdtProperty> p = n.property("dma-ranges");
        if (p.isEmpty() || p.get().isEmpty()) {
            return List.of();
        }
        try {
            int na = n.addressCellsForChildren();
            int pna = n.addressCells();
            int ns = n.sizeCellsForChildren();
            int t = na + pna + ns;
            FdtProperty v = p.get();
            if (t == 0 || v.length() % (t * 4) != 0 || ns == 0) {
                throw new ErrnoException(Errno.EINVAL, n.path() + ": dma-ranges length " + v.length()
                        + " (expected: a multiple of " + (t * 4) + " bytes)");
            }
            List<DeviceNode.DmaRange> out = new ArrayList<>();
            for (int c = 0; c < v.length() / 4; c += t) {
                long bus = v.number(c, na);
                long cpu = v.number(c + na, pna);
                long size = v.number(c + na + pna, ns);
                if (size > 0 && cpu >= 0 && cpu + size - 1 >= cpu) {
                    out.add(new DeviceNode.DmaRange(bus, cpu, size));
                }
            }
            return out;
        } catch (FdtException | ErrnoException e) {
            log.err("OF: " + e.getMessage());
            return List.of();
        }
    }

    /** The dma-ranges that apply to {@code n}: its own, else its nearest ancestor's that has some. */
    static List<DeviceNode.DmaRange> inheritedDmaRanges(FdtNode n, KernelLog log) {
        for (FdtNode p = n; p != null; p = p.parent().orElse(null)) {
            List<DeviceNode.DmaRange> r = dmaRanges(p, log);
            if (!r.isEmpty()) {
                return r;
            }
        }
        return List.of();
    }

    /**
     * of_translate_address(), simplified: each parent with an empty {@code ranges} maps 1:1,
     * one with ranges maps the address through the entry that holds it; a parent without
     * {@code ranges}, or no matching entry, leaves the address as the bus gave it.
     */
    static long translate(FdtNode n, long addr) {
        for (FdtNode bus = n.parent().orElse(null); bus != null && bus.parent().isPresent(); bus = bus.parent().get()) {
            Optional<FdtProperty> rp = bus.property("ranges");
            if (rp.isEmpty()) {
                return addr;
            }
            if (rp.get().isEmpty()) {
                continue;
            }
            int na = bus.addressCellsForChildren();
            int pna = bus.addressCells();
            int ns = bus.sizeCellsForChildren();
            int t = na + pna + ns;
            FdtProperty v = rp.get();
            if (t == 0 || v.length() % (t * 4) != 0) {
                return addr;
            }
            boolean mapped = false;
            for (int c = 0; c < v.length() / 4; c += t) {
                long child = v.number(c, na);
                long parent = v.number(c + na, pna);
                long size = v.number(c + na + pna, ns);
                if (addr >= child && addr - child < size) {
                    addr = addr - child + parent;
                    mapped = true;
                    break;
                }
            }
            if (!mapped) {
                return addr;
            }
        }
        return addr;
    }
}

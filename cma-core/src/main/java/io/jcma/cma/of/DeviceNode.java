package io.jcma.cma.of;

import io.jcma.cma.Cma;
import io.jcma.cma.fdt.FdtNode;

import java.util.List;
import java.util.Optional;

/**
 * A device described by the device tree, as of_platform_populate() would create it: what a
 * device model binds to by {@link #compatible()}.
 *
 * @param path          the node's full path ("/soc/gpu@fd000000")
 * @param compatible    its compatible strings, most specific first
 * @param reg           its MMIO ranges, translated to CPU physical addresses through the
 *                      parents' {@code ranges} where they allow it (of_address_to_resource())
 * @param interrupts    the raw cells of its {@code interrupts} property
 * @param memoryRegion  the name of the reserved-memory node its first {@code memory-region}
 *                      phandle points at
 * @param cma           the CMA area of that region: the device's own (dev->cma_area)
 * @param dmaRanges     the {@code dma-ranges} that apply to it (nearest ancestor that has some)
 * @param busDmaLimit   the highest bus address it can reach by those ranges (bus_dma_limit),
 *                      inclusive; 0 when nothing limits it
 * @param nid           its {@code numa-node-id}, or NUMA_NO_NODE
 * @param node          the node itself, for other properties
 */
public record DeviceNode(String path, List<String> compatible, List<FdtNode.Reg> reg, List<Long> interrupts,
                         Optional<String> memoryRegion, Optional<Cma> cma, List<DmaRange> dmaRanges, long busDmaLimit,
                         int nid, FdtNode node) {
    public DeviceNode {
        compatible = List.copyOf(compatible);
        reg = List.copyOf(reg);
        interrupts = List.copyOf(interrupts);
        dmaRanges = List.copyOf(dmaRanges);
    }

    /** One entry of {@code dma-ranges}: bus addresses [busAddr, busAddr + size) reach CPU [cpuAddr, ...). */
    public record DmaRange(long busAddr, long cpuAddr, long size) {
        /** dma_range_map's offset: cpu - bus. */
        public long offset() {
            return cpuAddr - busAddr;
        }
    }

    public boolean isCompatible(String compat) {
        return compatible.contains(compat);
    }

    /** The name after the last '/'. */
    public String name() {
        return node.name();
    }
}

package io.jcma.cma.of.internal;

import io.jcma.cma.fdt.Fdt;
import io.jcma.cma.fdt.FdtException;
import io.jcma.cma.fdt.FdtNode;
import io.jcma.cma.fdt.FdtProperty;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.cma.mm.Memblock;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.of.ReservedMemContext;
import io.jcma.cma.of.ReservedMemHandler;
import io.jcma.cma.of.ReservedRegion;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Mirrors the early scan of drivers/of/fdt.c: the machine name (of_flat_dt_get_machine_name()),
 * /chosen bootargs (early_init_dt_scan_chosen()), the memory nodes
 * (early_init_dt_scan_memory(), early_init_dt_add_memory_arch()) and
 * early_init_fdt_scan_reserved_mem(), which runs the /reserved-memory scan of
 * {@link OfReservedMem} around the /memreserve/ entries.
 *
 * <p>Errors in the tree (a property of the wrong length, a bad #address-cells) are logged the
 * way the kernel logs them and the node is skipped; the boot goes on.
 */
public final class OfFdt {
    /**
     * 1 &lt;&lt; PHYS_MASK_SHIFT: the end of the physical address space of Debian's arm64 kernel
     * (CONFIG_ARM64_PA_BITS=52). arm64 defines MAX_MEMBLOCK_ADDR as U64_MAX, so
     * early_init_dt_add_memory_arch() takes any RAM a memory node gives; arm64_memblock_init()
     * then removes what lies at or above this address, without a message (a 48-bit PA kernel does
     * the same at 2^48).
     */
    static final long PHYS_ADDR_END = 1L << 52;
    static final String FDT = "OF: fdt: ";

    private OfFdt() {
    }

    /** of_flat_dt_get_machine_name(): {@code model}, else the first {@code compatible}. */
    public static String machineName(Fdt fdt) {
        try {
            Optional<FdtProperty> model = fdt.root().property("model");
            if (model.isPresent()) {
                return model.get().string();
            }
            List<String> c = fdt.root().compatible();
            return c.isEmpty() ? "<unknown>" : c.getFirst();
        } catch (FdtException e) {
            return "<unknown>";
        }
    }

    /** early_init_dt_scan_chosen(): /chosen bootargs, or "" when absent. */
    public static String bootargs(Fdt fdt, KernelLog log) {
        Optional<FdtNode> chosen = fdt.node("/chosen");
        if (chosen.isEmpty()) {
            chosen = fdt.node("/chosen@0");
        }
        Optional<FdtProperty> p = chosen.flatMap(c -> c.property("bootargs"));
        if (p.isEmpty()) {
            return "";
        }
        try {
            return p.get().string();
        } catch (FdtException e) {
            log.err(FDT + "/chosen: " + e.getMessage());
            return "";
        }
    }

    /**
     * early_init_dt_scan_memory() and early_init_dt_add_memory_arch(): the RAM of the
     * root's children with {@code device_type = "memory"} ({@code linux,usable-memory} before
     * {@code reg}), on the node of their {@code numa-node-id}, as the ranges memblock_add()
     * would get. Zero-sized banks are skipped; partial pages are trimmed; RAM at or above 2^52
     * is dropped as arm64_memblock_init() drops it. (A span of RAM wider than the 2^47-byte linear
     * map of a 48-bit VA CPU would make arm64 warn "Memory doesn't fit in the linear mapping,
     * VA_BITS too small" and clip it; no simulated machine is that large.)
     */
    public static List<Memblock.Region> memory(Fdt fdt, KernelLog log) {
        List<Memblock.Region> out = new ArrayList<>();
        for (FdtNode n : fdt.root().children()) {
            try {
                Optional<FdtProperty> type = n.property("device_type");
                // strcmp(type, "memory"): the first string only
                if (type.isEmpty() || type.get().strings().isEmpty() || !type.get().strings().getFirst().equals("memory")
                        || !n.isAvailable()) {
                    continue;
                }
                List<FdtNode.Reg> regs = n.has("linux,usable-memory")
                        ? n.pairsIgnoringTail("linux,usable-memory", n.addressCells(), n.sizeCells())
                        : n.pairsIgnoringTail("reg", n.addressCells(), n.sizeCells());
                int nid = n.property("numa-node-id").map(FdtProperty::u32).orElse(0);
                if (nid < 0) {
                    log.err(FDT + n.path() + ": numa-node-id=" + Integer.toUnsignedString(nid) + " ignored");
                    nid = 0;
                }
                for (FdtNode.Reg r : regs) {
                    addMemory(r.address(), r.size(), nid, out, log);
                }
            } catch (FdtException e) {
                log.err(FDT + n.path() + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static void addMemory(long base, long size, int nid, List<Memblock.Region> out, KernelLog log) {
        if (size == 0) {
            return;
        }
        long off = base & (Mm.PAGE_SIZE - 1);
        if (Long.compareUnsigned(size, Mm.PAGE_SIZE - off) < 0) {
            log.warn(String.format(FDT + "Ignoring memory block 0x%x - 0x%x", base, base + size));
            return;
        }
        if (off != 0) {
            size -= Mm.PAGE_SIZE - off;
            base = Mm.alignUp(base, Mm.PAGE_SIZE);
        }
        size &= ~(Mm.PAGE_SIZE - 1);
        // With MAX_MEMBLOCK_ADDR = U64_MAX neither of the kernel's upper-bound warnings can fire;
        // memblock_add() caps a range that wraps past 2^64 (memblock_cap_size()).
        long end = base + size;
        if (Long.compareUnsigned(end, base) < 0) {
            end = -1L;
        }
        // arm64_memblock_init(): memblock_remove(1ULL << PHYS_MASK_SHIFT, ULLONG_MAX), silently.
        if (Long.compareUnsigned(base, PHYS_ADDR_END) >= 0) {
            return;
        }
        if (Long.compareUnsigned(end, PHYS_ADDR_END) > 0) {
            end = PHYS_ADDR_END;
        }
        if (end > base) {
            out.add(new Memblock.Region(base, end - base, nid, 0));
        }
    }

    /**
     * early_init_fdt_scan_reserved_mem() of 6.12: fdt_scan_reserved_mem() reserves (or marks
     * no-map) every statically placed region and notes the dynamically placed ones; then the
     * /memreserve/ entries are reserved (last, since 6.4, so that a no-map region may cover
     * one); then fdt_init_reserved_mem() places the dynamic regions and runs each region's init
     * function from {@code table}. Returns the regions in the order their init functions ran.
     */
    public static List<ReservedRegion> scanReservedMem(ReservedMemContext context, Fdt fdt,
                                                       List<ReservedMemHandler> table) {
        OfReservedMem rmem = new OfReservedMem(context, fdt, table);
        rmem.fdtScanReservedMem();
        memReserve(fdt, context.memblock(), context.log());
        return rmem.fdtInitReservedMem();
    }

    /** The /memreserve/ entries go to memblock_reserve(). */
    private static void memReserve(Fdt fdt, Memblock memblock, KernelLog log) {
        for (Fdt.Reservation r : fdt.memReserve()) {
            if (r.size() == 0) {
                break;
            }
            if (!validRange(r.address(), r.size())) {
                log.err(FDT + "/memreserve/ " + String.format("0x%x size 0x%x", r.address(), r.size())
                        + " ignored (expected: below 2^63, no overflow)");
                continue;
            }
            memblock.reserve(r.address(), r.size());
        }
    }

    /** A range Java's signed addresses can hold: below 2^63, without overflow. */
    static boolean validRange(long base, long size) {
        return base >= 0 && size >= 0 && base + size >= base;
    }

    /** of_fdt_device_is_available(): a node whose {@code status} cannot be read is not. */
    static boolean isAvailable(FdtNode n) {
        try {
            return n.isAvailable();
        } catch (FdtException e) {
            return false;
        }
    }
}

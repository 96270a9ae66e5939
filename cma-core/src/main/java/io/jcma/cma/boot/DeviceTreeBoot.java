package io.jcma.cma.boot;

import io.jcma.cma.Cma;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.cma.fdt.Fdt;
import io.jcma.cma.fdt.FdtException;
import io.jcma.cma.fdt.FdtNode;
import io.jcma.cma.fdt.FdtProperty;
import io.jcma.cma.mm.Memblock;
import io.jcma.cma.mm.Mm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the kernel does with a flattened device tree during early boot: drivers/of/fdt.c
 * (memory nodes, /chosen, /memreserve/), drivers/of/of_reserved_mem.c (/reserved-memory),
 * the reserved-memory init functions of kernel/dma/contiguous.c and kernel/dma/coherent.c,
 * of_dma_get_max_cpu_address() for arm64's ZONE_DMA, and the device nodes
 * of_platform_populate() would turn into platform devices.
 *
 * <p>Errors in the tree (a property of the wrong length, a bad #address-cells) are logged the
 * way the kernel logs them and the node is skipped; the boot goes on.
 */
final class DeviceTreeBoot {
    /** MAX_RESERVED_REGIONS of drivers/of/of_reserved_mem.c. */
    static final int MAX_RESERVED_REGIONS = 64;
    /** arm64's largest physical address with 48-bit PAs (MAX_MEMBLOCK_ADDR). */
    static final long MAX_MEMBLOCK_ADDR = (1L << 48) - 1;
    /** SMP_CACHE_BYTES on arm64: the alignment of a reserved-memory node without one. */
    static final long SMP_CACHE_BYTES = 64;
    private static final String FDT = "OF: fdt: ";
    private static final String RMEM = "OF: reserved mem: ";

    private DeviceTreeBoot() {
    }

    /** of_flat_dt_get_machine_name(): {@code model}, else the first {@code compatible}. */
    static String machineName(Fdt fdt) {
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
    static String bootargs(Fdt fdt, KernelLog log) {
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
     * {@code reg}), on the node of their {@code numa-node-id}. Zero-sized banks are skipped;
     * partial pages are trimmed.
     */
    static List<MemRange> memory(Fdt fdt, KernelLog log) {
        List<MemRange> out = new ArrayList<>();
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

    private static void addMemory(long base, long size, int nid, List<MemRange> out, KernelLog log) {
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
        if (Long.compareUnsigned(base, MAX_MEMBLOCK_ADDR) > 0) {
            log.warn(String.format(FDT + "Ignoring memory block 0x%x - 0x%x", base, base + size));
            return;
        }
        if (Long.compareUnsigned(base + size - 1, MAX_MEMBLOCK_ADDR) > 0 || base + size < base) {
            log.warn(String.format(FDT + "Ignoring memory range 0x%x - 0x%x", MAX_MEMBLOCK_ADDR + 1, base + size));
            size = MAX_MEMBLOCK_ADDR - base + 1;
        }
        if (size > 0) {
            out.add(new MemRange(base, base + size, nid));
        }
    }

    /** The /memreserve/ entries go to memblock_reserve(), as early_init_fdt_scan_reserved_mem() does. */
    static void memReserve(Fdt fdt, Memblock memblock, KernelLog log) {
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

    private static boolean validRange(long base, long size) {
        return base >= 0 && size >= 0 && base + size >= base;
    }

    /**
     * of_dma_get_max_cpu_address(NULL): the smallest, over all available nodes with a
     * non-empty {@code dma-ranges}, of the highest CPU address its ranges reach; returned as an
     * exclusive limit, 0 when no node limits DMA. The parent-bus address of a range is taken as
     * the CPU address (the usual case: the bus's parents do not translate).
     */
    static long dmaLimit(Fdt fdt, KernelLog log) {
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
            if (isAvailable(c)) {
                max = Math.min(max, maxCpuAddress(c, log));
            }
        }
        return max;
    }

    private static boolean isAvailable(FdtNode n) {
        try {
            return n.isAvailable();
        } catch (FdtException e) {
            return false;
        }
    }

    /** A node's own dma-ranges: (child bus address, parent address, size) triples; empty when absent or empty. */
    private static List<DeviceNode.DmaRange> dmaRanges(FdtNode n, KernelLog log) {
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

    /** A region saved by fdt_reserved_mem_save_node(). */
    private static final class Saved {
        final FdtNode node;
        final String name;
        long base;
        long size;

        Saved(FdtNode node, long base, long size) {
            this.node = node;
            this.name = node.name();
            this.base = base;
            this.size = size;
        }
    }

    /**
     * early_init_fdt_scan_reserved_mem() of 6.12: fdt_scan_reserved_mem() reserves (or marks
     * no-map) every statically placed region and notes the dynamically placed ones; then the
     * /memreserve/ entries are reserved (last, since 6.4, so that a no-map region may cover
     * one); then fdt_init_reserved_mem() checks the static regions for overlaps and runs each
     * region's init function, the dynamic ones first (each allocated just before, from
     * {@code size}, {@code alignment}, {@code alloc-ranges}; sorted ahead of the others at base
     * 0), then the static ones by address. rmem_cma_setup() makes CMA areas of shared-dma-pool +
     * reusable regions, rmem_dma_setup() takes shared-dma-pools without reusable.
     */
    static List<ReservedRegion> reservedMemory(EarlyBoot early, Fdt fdt) {
        KernelLog log = early.log();
        Optional<FdtNode> rm = fdt.node("/reserved-memory");
        if (rm.isEmpty()) {
            memReserve(fdt, early.memblock(), log);
            return List.of();
        }
        int ac;
        int sc;
        try {
            ac = fdt.root().addressCellsForChildren();
            sc = fdt.root().sizeCellsForChildren();
            if (!checkRoot(rm.get(), ac, sc)) {
                log.err(RMEM + "Reserved memory: unsupported node format, ignoring");
                memReserve(fdt, early.memblock(), log);
                return List.of();
            }
        } catch (FdtException e) {
            log.err(RMEM + "Reserved memory: unsupported node format, ignoring (" + e.getMessage() + ")");
            memReserve(fdt, early.memblock(), log);
            return List.of();
        }
        List<Saved> saved = new ArrayList<>();
        List<FdtNode> dynamic = new ArrayList<>();
        for (FdtNode child : rm.get().children()) {
            try {
                if (!child.isAvailable()) {
                    continue;
                }
                Errno err = reserveReg(early, child, ac, sc, saved);
                if (err == Errno.ENOENT && child.has("size")) {
                    dynamic.add(child);
                }
            } catch (FdtException e) {
                log.err(RMEM + child.name() + ": " + e.getMessage());
            }
        }
        for (FdtNode child : dynamic) {
            save(log, saved, new Saved(child, 0, 0));
        }
        memReserve(fdt, early.memblock(), log);
        saved.sort(Comparator.<Saved>comparingLong(s -> s.base).thenComparingLong(s -> s.size));
        checkOverlap(log, saved);
        List<ReservedRegion> out = new ArrayList<>();
        for (Saved s : saved) {
            try {
                init(early, s, ac, sc, out);
            } catch (FdtException e) {
                log.err(RMEM + s.name + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** __reserved_mem_check_root(): the cells must match the root's and {@code ranges} must exist. */
    private static boolean checkRoot(FdtNode rm, int ac, int sc) {
        Optional<FdtProperty> s = rm.property("#size-cells");
        if (s.isEmpty() || s.get().length() < 4 || s.get().number(0, 1) != sc) {
            return false;
        }
        Optional<FdtProperty> a = rm.property("#address-cells");
        if (a.isEmpty() || a.get().length() < 4 || a.get().number(0, 1) != ac) {
            return false;
        }
        return rm.has("ranges");
    }

    private static void save(KernelLog log, List<Saved> saved, Saved s) {
        if (saved.size() == MAX_RESERVED_REGIONS) {
            log.err(RMEM + "not enough space for all defined regions.");
            return;
        }
        saved.add(s);
    }

    /** __reserved_mem_reserve_reg(): ENOENT without {@code reg}, EINVAL for a bad one, else null. */
    private static Errno reserveReg(EarlyBoot early, FdtNode node, int ac, int sc, List<Saved> saved) {
        KernelLog log = early.log();
        Optional<FdtProperty> reg = node.property("reg");
        if (reg.isEmpty()) {
            return Errno.ENOENT;
        }
        int tLen = (ac + sc) * 4;
        int len = reg.get().length();
        if (tLen == 0 || (len != 0 && len % tLen != 0)) {
            log.err(RMEM + "Reserved memory: invalid reg property in '" + node.name() + "', skipping node.");
            return Errno.EINVAL;
        }
        boolean nomap = node.has("no-map");
        boolean first = true;
        for (FdtNode.Reg r : node.pairs("reg", ac, sc)) {
            long base = r.address();
            long size = r.size();
            if (size != 0 && reserveMemory(early.memblock(), base, size, nomap) == null) {
                log.debug(RMEM + "Reserved memory: reserved region for node '" + node.name() + "': base " + Mm.pa(base)
                        + ", size " + Long.divideUnsigned(size, Mm.SZ_1M) + " MiB");
            } else {
                log.err(RMEM + "Reserved memory: failed to reserve memory for node '" + node.name() + "': base "
                        + Mm.pa(base) + ", size " + Long.divideUnsigned(size, Mm.SZ_1M) + " MiB");
            }
            if (first) {
                save(log, saved, new Saved(node, base, size));
                first = false;
            }
        }
        return null;
    }

    /**
     * early_init_dt_reserve_memory(): memblock_reserve(), or memblock_mark_nomap() for no-map
     * unless the range is memory that something else already reserved (EBUSY). jcma also
     * refuses ranges past 2^63 (EINVAL), which Java's signed addresses cannot hold.
     */
    private static Errno reserveMemory(Memblock memblock, long base, long size, boolean nomap) {
        if (!validRange(base, size)) {
            return Errno.EINVAL;
        }
        if (nomap) {
            if (memblock.overlapsMemory(base, size) && memblock.isRegionReserved(base, size)) {
                return Errno.EBUSY;
            }
            memblock.markNomap(base, size);
            return null;
        }
        memblock.reserve(base, size);
        return null;
    }

    /** __reserved_mem_alloc_size(): {base, size} or null after logging why not. */
    private static long[] allocSize(EarlyBoot early, FdtNode node, int ac, int sc) {
        KernelLog log = early.log();
        String uname = node.name();
        FdtProperty sizeProp = node.property("size").orElseThrow();
        if (sizeProp.length() != sc * 4 || sc == 0) {
            log.err(RMEM + "invalid size property in '" + uname + "' node.");
            return null;
        }
        long size = sizeProp.number(0, sc);
        long align = 0;
        Optional<FdtProperty> alignProp = node.property("alignment");
        if (alignProp.isPresent()) {
            if (alignProp.get().length() != ac * 4 || ac == 0) {
                log.err(RMEM + "invalid alignment property in '" + uname + "' node.");
                return null;
            }
            align = alignProp.get().number(0, ac);
        }
        boolean nomap = node.has("no-map");
        if (node.isCompatible("shared-dma-pool") && node.has("reusable") && !nomap) {
            align = Math.max(align, Mm.CMA_MIN_ALIGNMENT_BYTES);
        }
        long base = 0;
        Optional<FdtProperty> ranges = node.property("alloc-ranges");
        if (ranges.isPresent()) {
            int tLen = (ac + sc) * 4;
            if (tLen == 0 || ranges.get().length() % tLen != 0) {
                log.err(RMEM + "invalid alloc-ranges property in '" + uname + "', skipping node.");
                return null;
            }
            for (FdtNode.Reg r : node.pairs("alloc-ranges", ac, sc)) {
                long start = r.address();
                long end = start + r.size();
                if (start < 0 || end < start) {
                    end = Long.MAX_VALUE;
                }
                base = allocArch(early.memblock(), size, align, Math.max(start, 0), end, nomap);
                if (base != 0) {
                    log.debug(RMEM + "allocated memory for '" + uname + "' node: base " + Mm.pa(base) + ", size "
                            + (size / Mm.SZ_1M) + " MiB");
                    break;
                }
            }
        } else {
            base = allocArch(early.memblock(), size, align, 0, 0, nomap);
            if (base != 0) {
                log.debug(RMEM + "allocated memory for '" + uname + "' node: base " + Mm.pa(base) + ", size "
                        + (size / Mm.SZ_1M) + " MiB");
            }
        }
        if (base == 0) {
            log.err(RMEM + "failed to allocate memory for node '" + uname + "': size "
                    + Long.divideUnsigned(size, Mm.SZ_1M) + " MiB");
            return null;
        }
        return new long[] {base, size};
    }

    /**
     * early_init_dt_alloc_reserved_memory_arch(): memblock_phys_alloc_range(), then no-map.
     * A size or alignment memblock cannot honour (0, past 2^63, not a power of two) fails
     * here: Linux would round it in ways nobody meant.
     */
    private static long allocArch(Memblock memblock, long size, long align, long start, long end, boolean nomap) {
        if (align == 0) {
            align = SMP_CACHE_BYTES;
        }
        if (size <= 0 || !Mm.isPowerOfTwo(align)) {
            return 0;
        }
        long base = memblock.physAllocRange(size, align, start, end);
        if (base != 0 && nomap) {
            memblock.markNomap(base, size);
        }
        return base;
    }

    /** __rmem_check_for_overlap() over the regions sorted by base. */
    private static void checkOverlap(KernelLog log, List<Saved> saved) {
        for (int i = 0; i + 1 < saved.size(); i++) {
            Saved a = saved.get(i);
            Saved b = saved.get(i + 1);
            if (a.base + a.size > b.base) {
                log.err(RMEM + "OVERLAP DETECTED!");
                log.err(a.name + " (" + Mm.pa(a.base) + "--" + Mm.pa(a.base + a.size) + ") overlaps with " + b.name + " ("
                        + Mm.pa(b.base) + "--" + Mm.pa(b.base + b.size) + ")");
            }
        }
    }

    /** One iteration of fdt_init_reserved_mem(). */
    private static void init(EarlyBoot early, Saved s, int ac, int sc, List<ReservedRegion> out) {
        KernelLog log = early.log();
        FdtNode node = s.node;
        boolean nomap = node.has("no-map");
        boolean reusable = node.has("reusable");
        int phandle = node.phandle();
        if (s.size == 0) {
            // a dynamically placed region: placed now, after the static ones and /memreserve/
            if (!node.has("size")) {
                return;
            }
            long[] r = allocSize(early, node, ac, sc);
            if (r == null) {
                return;
            }
            s.base = r[0];
            s.size = r[1];
        }
        ReservedRegion.Kind kind;
        Cma[] cma = new Cma[1];
        Errno err = Errno.ENOENT;
        String compat = null;
        if (node.isCompatible("shared-dma-pool")) {
            compat = "shared-dma-pool";
            err = rmemCmaSetup(early, s, cma);
            if (err != null) {
                err = rmemDmaSetup(log, s);
            }
        }
        if (err == null) {
            log.info(RMEM + "initialized node " + s.name + ", compatible id " + compat);
            kind = cma[0] != null ? ReservedRegion.Kind.CMA : ReservedRegion.Kind.DMA_POOL;
        } else if (err != Errno.ENOENT) {
            log.info(RMEM + "node " + s.name + " compatible matching fail");
            if (validRange(s.base, s.size)) {
                if (nomap) {
                    early.memblock().clearNomap(s.base, s.size);
                } else {
                    early.memblock().physFree(s.base, s.size);
                }
            }
            kind = ReservedRegion.Kind.FAILED;
        } else {
            kind = ReservedRegion.Kind.CARVEOUT;
        }
        if (kind != ReservedRegion.Kind.FAILED) {
            log.info(RMEM + Mm.pa(s.base) + ".." + Mm.pa(s.base + s.size - 1) + " (" + Long.divideUnsigned(s.size, 1024)
                    + " KiB) " + (nomap ? "nomap" : "map") + " " + (reusable ? "reusable" : "non-reusable") + " " + s.name);
        }
        out.add(new ReservedRegion(s.name, node.path(), s.base, s.size, nomap, reusable, node.compatible(), phandle, kind,
                Optional.ofNullable(cma[0])));
    }

    /** rmem_cma_setup() of kernel/dma/contiguous.c; null on success. */
    private static Errno rmemCmaSetup(EarlyBoot early, Saved s, Cma[] result) {
        KernelLog log = early.log();
        boolean defaultCma = s.node.has("linux,cma-default");
        if (early.cmaCmdlineGiven() && defaultCma) {
            log.info("Reserved memory: bypass " + s.name + " node, using cmdline CMA params instead");
            return Errno.EBUSY;
        }
        if (!s.node.has("reusable") || s.node.has("no-map")) {
            return Errno.EINVAL;
        }
        if (!Mm.isAligned(s.base | s.size, Mm.CMA_MIN_ALIGNMENT_BYTES)) {
            log.err("Reserved memory: incorrect alignment of CMA region");
            return Errno.EINVAL;
        }
        Cma cma;
        try {
            cma = early.cma().initReservedMem(s.base, s.size, 0, s.name);
        } catch (ErrnoException e) {
            log.err("Reserved memory: unable to setup CMA region");
            return e.errno();
        }
        if (defaultCma) {
            early.setDefaultArea(cma);
        }
        result[0] = cma;
        log.info("Reserved memory: created CMA memory pool at " + Mm.pa(s.base) + ", size " + (s.size / Mm.SZ_1M) + " MiB");
        return null;
    }

    /** rmem_dma_setup() of kernel/dma/coherent.c (arm64: no no-map requirement); null on success. */
    private static Errno rmemDmaSetup(KernelLog log, Saved s) {
        if (s.node.has("reusable")) {
            return Errno.EINVAL;
        }
        log.info("Reserved memory: created DMA memory pool at " + Mm.pa(s.base) + ", size " + (s.size / Mm.SZ_1M) + " MiB");
        return null;
    }

    /**
     * The device nodes of_platform_populate() and its callers would create devices for: every
     * available node with a {@code compatible} below the root, except the root itself,
     * /chosen, /aliases, /cpus, memory nodes, /reserved-memory and overlay bookkeeping
     * (/__symbols__ ...), each with its first {@code memory-region} resolved to the CMA area
     * created for it.
     */
    static List<DeviceNode> devices(Fdt fdt, List<ReservedRegion> regions, KernelLog log) {
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

    private static void collectDevices(Fdt fdt, FdtNode n, List<ReservedRegion> regions, KernelLog log, List<DeviceNode> out) {
        if (!isAvailable(n)) {
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

    private static DeviceNode device(Fdt fdt, FdtNode n, List<ReservedRegion> regions, KernelLog log) {
        List<FdtNode.Reg> reg = new ArrayList<>();
        for (FdtNode.Reg r : n.reg()) {
            reg.add(new FdtNode.Reg(translate(n, r.address()), r.size()));
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
        List<DeviceNode.DmaRange> dma = List.of();
        for (FdtNode p = n; p != null; p = p.parent().orElse(null)) {
            List<DeviceNode.DmaRange> r = dmaRanges(p, log);
            if (!r.isEmpty()) {
                dma = r;
                break;
            }
        }
        long limit = 0;
        for (DeviceNode.DmaRange r : dma) {
            limit = Math.max(limit, r.busAddr() + r.size() - 1);
        }
        int nid = n.property("numa-node-id").map(FdtProperty::u32).orElse(Mm.NUMA_NO_NODE);
        return new DeviceNode(n.path(), n.compatible(), reg, irqs, region, cma, dma, limit, nid, n);
    }

    /**
     * of_translate_address(), simplified: each parent with an empty {@code ranges} maps 1:1,
     * one with ranges maps the address through the entry that holds it; a parent without
     * {@code ranges}, or no matching entry, leaves the address as the bus gave it.
     */
    private static long translate(FdtNode n, long addr) {
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

package io.jcma.cma.of.internal;

import io.jcma.cma.Cma;
import io.jcma.cma.fdt.Fdt;
import io.jcma.cma.fdt.FdtException;
import io.jcma.cma.fdt.FdtNode;
import io.jcma.cma.fdt.FdtProperty;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.cma.mm.Memblock;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.of.ReservedMem;
import io.jcma.cma.of.ReservedMemContext;
import io.jcma.cma.of.ReservedMemHandler;
import io.jcma.cma.of.ReservedRegion;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Mirrors drivers/of/of_reserved_mem.c (6.12): the /reserved-memory children, reserved or
 * marked no-map where {@code reg} places them (fdt_scan_reserved_mem(),
 * __reserved_mem_reserve_reg(), early_init_dt_reserve_memory()), placed by memblock where only
 * {@code size} is given (__reserved_mem_alloc_size(), early_init_dt_alloc_reserved_memory_arch()),
 * checked for overlaps (__rmem_check_for_overlap()) and handed to the init function their
 * compatible selects from the table (fdt_init_reserved_mem(), __reserved_mem_init_node()).
 *
 * <h2>Order</h2>
 * <ol>
 *   <li>fdt_scan_reserved_mem(): check the node's cells against the root's and that it has
 *       {@code ranges}; reserve each static region (the first {@code reg} entry is saved), note
 *       each child with {@code size} and no {@code reg} as dynamic.</li>
 *   <li>(the /memreserve/ entries, by {@link OfFdt#scanReservedMem})</li>
 *   <li>fdt_init_reserved_mem(): sort the saved regions by base, the dynamic ones (base 0)
 *       first; check overlaps; for each, place it if dynamic, then try the table's init
 *       functions for its compatible in order until one succeeds.</li>
 * </ol>
 */
public final class OfReservedMem {
    /** MAX_RESERVED_REGIONS of drivers/of/of_reserved_mem.c. */
    public static final int MAX_RESERVED_REGIONS = 64;
    /** SMP_CACHE_BYTES on arm64: the alignment of a reserved-memory node without one. */
    static final long SMP_CACHE_BYTES = 64;
    private static final String RMEM = "OF: reserved mem: ";

    /** A region saved by fdt_reserved_mem_save_node(); a dynamic one is placed at init. */
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

    /** Where __reserved_mem_alloc_size() placed a dynamic region. */
    private record Placed(long base, long size) {
    }

    private final ReservedMemContext context;
    private final KernelLog log;
    private final Memblock memblock;
    private final Fdt fdt;
    private final List<ReservedMemHandler> table;
    private final List<Saved> saved = new ArrayList<>();
    private int ac;
    private int sc;

    OfReservedMem(ReservedMemContext context, Fdt fdt, List<ReservedMemHandler> table) {
        this.context = context;
        this.log = context.log();
        this.memblock = context.memblock();
        this.fdt = fdt;
        this.table = List.copyOf(table);
    }

    /** fdt_scan_reserved_mem(): step 1 of the class comment; nothing without a usable node. */
    void fdtScanReservedMem() {
        Optional<FdtNode> rm = fdt.node("/reserved-memory");
        if (rm.isEmpty()) {
            return;
        }
        try {
            ac = fdt.root().addressCellsForChildren();
            sc = fdt.root().sizeCellsForChildren();
            if (!checkRoot(rm.get(), ac, sc)) {
                log.err(RMEM + "Reserved memory: unsupported node format, ignoring");
                return;
            }
        } catch (FdtException e) {
            log.err(RMEM + "Reserved memory: unsupported node format, ignoring (" + e.getMessage() + ")");
            return;
        }
        List<FdtNode> dynamic = new ArrayList<>();
        for (FdtNode child : rm.get().children()) {
            try {
                if (!child.isAvailable()) {
                    continue;
                }
                if (!reserveReg(child) && child.has("size")) {
                    dynamic.add(child);
                }
            } catch (FdtException e) {
                log.err(RMEM + child.name() + ": " + e.getMessage());
            }
        }
        for (FdtNode child : dynamic) {
            save(new Saved(child, 0, 0));
        }
    }

    /** fdt_init_reserved_mem(): step 3 of the class comment; the regions in the order they ran. */
    List<ReservedRegion> fdtInitReservedMem() {
        saved.sort(Comparator.<Saved>comparingLong(s -> s.base).thenComparingLong(s -> s.size));
        checkOverlap();
        List<ReservedRegion> out = new ArrayList<>();
        for (Saved s : saved) {
            try {
                init(s, out);
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

    /** fdt_reserved_mem_save_node(). */
    private void save(Saved s) {
        if (saved.size() == MAX_RESERVED_REGIONS) {
            log.err(RMEM + "not enough space for all defined regions.");
            return;
        }
        saved.add(s);
    }

    /**
     * __reserved_mem_reserve_reg(): reserves each {@code reg} entry and saves the first; false
     * when the node has no {@code reg} (-ENOENT: maybe a dynamic region), true otherwise, a
     * malformed one (-EINVAL, logged) included.
     */
    private boolean reserveReg(FdtNode node) {
        Optional<FdtProperty> reg = node.property("reg");
        if (reg.isEmpty()) {
            return false;
        }
        int tLen = (ac + sc) * 4;
        int len = reg.get().length();
        if (tLen == 0 || (len != 0 && len % tLen != 0)) {
            log.err(RMEM + "Reserved memory: invalid reg property in '" + node.name() + "', skipping node.");
            return true;
        }
        boolean nomap = node.has("no-map");
        boolean first = true;
        for (FdtNode.Reg r : node.pairs("reg", ac, sc)) {
            long base = r.address();
            long size = r.size();
            if (size != 0 && reserveMemory(base, size, nomap)) {
                log.debug(RMEM + "Reserved memory: reserved region for node '" + node.name() + "': base " + Mm.pa(base)
                        + ", size " + Long.divideUnsigned(size, Mm.SZ_1M) + " MiB");
            } else {
                log.err(RMEM + "Reserved memory: failed to reserve memory for node '" + node.name() + "': base "
                        + Mm.pa(base) + ", size " + Long.divideUnsigned(size, Mm.SZ_1M) + " MiB");
            }
            if (first) {
                save(new Saved(node, base, size));
                first = false;
            }
        }
        return true;
    }

    /**
     * early_init_dt_reserve_memory(): memblock_reserve(), or memblock_mark_nomap() for no-map
     * unless the range is memory that something else already reserved (-EBUSY). jcma also
     * refuses ranges past 2^63 (-EINVAL), which Java's signed addresses cannot hold. True when
     * the range is reserved.
     */
    private boolean reserveMemory(long base, long size, boolean nomap) {
        if (!OfFdt.validRange(base, size)) {
            return false;
        }
        if (nomap) {
            if (memblock.overlapsMemory(base, size) && memblock.isRegionReserved(base, size)) {
                return false;
            }
            memblock.markNomap(base, size);
            return true;
        }
        memblock.reserve(base, size);
        return true;
    }

    /** __reserved_mem_alloc_size(): where the region went, or empty after logging why not. */
    private Optional<Placed> allocSize(FdtNode node) {
        String uname = node.name();
        FdtProperty sizeProp = node.property("size").orElseThrow();
        if (sizeProp.length() != sc * 4 || sc == 0) {
            log.err(RMEM + "invalid size property in '" + uname + "' node.");
            return Optional.empty();
        }
        long size = sizeProp.number(0, sc);
        long align = 0;
        Optional<FdtProperty> alignProp = node.property("alignment");
        if (alignProp.isPresent()) {
            if (alignProp.get().length() != ac * 4 || ac == 0) {
                log.err(RMEM + "invalid alignment property in '" + uname + "' node.");
                return Optional.empty();
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
                return Optional.empty();
            }
            for (FdtNode.Reg r : node.pairs("alloc-ranges", ac, sc)) {
                long start = r.address();
                long end = start + r.size();
                if (start < 0 || end < start) {
                    end = Long.MAX_VALUE;
                }
                base = allocArch(size, align, Math.max(start, 0), end, nomap);
                if (base != 0) {
                    log.debug(RMEM + "allocated memory for '" + uname + "' node: base " + Mm.pa(base) + ", size "
                            + (size / Mm.SZ_1M) + " MiB");
                    break;
                }
            }
        } else {
            base = allocArch(size, align, 0, 0, nomap);
            if (base != 0) {
                log.debug(RMEM + "allocated memory for '" + uname + "' node: base " + Mm.pa(base) + ", size "
                        + (size / Mm.SZ_1M) + " MiB");
            }
        }
        if (base == 0) {
            log.err(RMEM + "failed to allocate memory for node '" + uname + "': size "
                    + Long.divideUnsigned(size, Mm.SZ_1M) + " MiB");
            return Optional.empty();
        }
        return Optional.of(new Placed(base, size));
    }

    /**
     * early_init_dt_alloc_reserved_memory_arch(): memblock_phys_alloc_range(), then no-map; 0
     * when nothing fits. A size or alignment memblock cannot honour (0, past 2^63, not a power
     * of two) fails here: Linux would round it in ways nobody meant.
     */
    private long allocArch(long size, long align, long start, long end, boolean nomap) {
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
    private void checkOverlap() {
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
    private void init(Saved s, List<ReservedRegion> out) {
        FdtNode node = s.node;
        boolean nomap = node.has("no-map");
        boolean reusable = node.has("reusable");
        int phandle = node.phandle();
        if (s.size == 0) {
            // a dynamically placed region: placed now, after the static ones and /memreserve/
            if (!node.has("size")) {
                return;
            }
            Optional<Placed> p = allocSize(node);
            if (p.isEmpty()) {
                return;
            }
            s.base = p.get().base();
            s.size = p.get().size();
        }
        ReservedMemHandler.Outcome outcome = initNode(new ReservedMem(s.name, node, s.base, s.size));
        ReservedRegion.Kind kind;
        Optional<Cma> cma = Optional.empty();
        switch (outcome) {
            case ReservedMemHandler.CmaPool c -> {
                kind = ReservedRegion.Kind.CMA;
                cma = Optional.of(c.area());
            }
            case ReservedMemHandler.DmaPool _ -> kind = ReservedRegion.Kind.DMA_POOL;
            case ReservedMemHandler.Refused r when r.error() == Errno.ENOENT -> kind = ReservedRegion.Kind.CARVEOUT;
            case ReservedMemHandler.Refused r -> {
                log.info(RMEM + "node " + s.name + " compatible matching fail");
                if (OfFdt.validRange(s.base, s.size)) {
                    if (nomap) {
                        memblock.clearNomap(s.base, s.size);
                    } else {
                        memblock.physFree(s.base, s.size);
                    }
                }
                kind = ReservedRegion.Kind.FAILED;
            }
        }
        if (kind != ReservedRegion.Kind.FAILED) {
            log.info(RMEM + Mm.pa(s.base) + ".." + Mm.pa(s.base + s.size - 1) + " (" + Long.divideUnsigned(s.size, 1024)
                    + " KiB) " + (nomap ? "nomap" : "map") + " " + (reusable ? "reusable" : "non-reusable") + " " + s.name);
        }
        out.add(new ReservedRegion(s.name, node.path(), s.base, s.size, nomap, reusable, node.compatible(), phandle, kind,
                cma));
    }

    /**
     * __reserved_mem_init_node(): the init functions of the table whose compatible the node
     * carries, in order, until one succeeds; the last refusal otherwise, ENOENT when none
     * matched.
     */
    private ReservedMemHandler.Outcome initNode(ReservedMem rmem) {
        ReservedMemHandler.Outcome ret = new ReservedMemHandler.Refused(Errno.ENOENT);
        for (ReservedMemHandler h : table) {
            if (!rmem.node().isCompatible(h.compatible())) {
                continue;
            }
            ret = h.init().init(rmem, context);
            if (ret == null) {
                throw new NullPointerException("reserved-memory handler " + h.name() + " returned no outcome for "
                        + rmem.name());
            }
            if (!(ret instanceof ReservedMemHandler.Refused)) {
                log.info(RMEM + "initialized node " + rmem.name() + ", compatible id " + h.compatible());
                break;
            }
        }
        return ret;
    }
}

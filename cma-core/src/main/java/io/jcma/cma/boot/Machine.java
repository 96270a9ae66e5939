package io.jcma.cma.boot;

import io.jcma.cma.Cma;
import io.jcma.cma.CmaAreas;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.cma.fdt.Fdt;
import io.jcma.cma.fs.CmaFs;
import io.jcma.cma.fs.KernelFs;
import io.jcma.cma.fs.MmFs;
import io.jcma.cma.mm.Memblock;
import io.jcma.cma.mm.MemoryBacking;
import io.jcma.cma.mm.MemoryBackingProvider;
import io.jcma.cma.mm.MemoryBank;
import io.jcma.cma.mm.MigratingPageAllocator;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.PageAllocator;
import io.jcma.cma.mm.Pageblocks;
import io.jcma.cma.mm.PhysicalMemory;
import io.jcma.cma.mm.Zone;
import io.jcma.cma.mm.ZoneLayout;
import io.jcma.cma.mm.ZoneType;
import io.jcma.cma.of.DeviceNode;
import io.jcma.cma.of.ReservedMemHandler;
import io.jcma.cma.of.ReservedRegion;
import io.jcma.cma.of.internal.OfAddress;
import io.jcma.cma.of.internal.OfFdt;
import io.jcma.cma.of.internal.OfPlatform;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A booted simulated machine: its RAM, memblock, zones, page allocator, CMA areas, kernel log
 * and pseudo files.
 *
 * <h2>Boot, in the kernel's order</h2>
 * <ol>
 *   <li>RAM ranges go to memblock (memblock_add_node), early reservations are reserved. With a
 *       device tree, RAM comes from its memory nodes when the platform gives none.</li>
 *   <li>Early parameters are parsed: {@code cma=}, {@code numa_cma=}, {@code cma_pernuma=},
 *       {@code cma_debug}.</li>
 *   <li>With a device tree (arm64's arm64_memblock_init()): /reserved-memory's static regions
 *       are reserved, then the /memreserve/ entries, then the dynamic regions are placed and
 *       every region initialised by the init function its compatible selects: cma-core's
 *       (CMA pools), then the boot hooks' ({@link BootHook#reservedMemHandlers}: the DMA
 *       layer's coherent pools); none leaves a carve-out.</li>
 *   <li>Zone ranges are computed and logged ("Zone ranges:", "Early memory node ranges").</li>
 *   <li>Boot hooks reserve what they own.</li>
 *   <li>arm64: the kernel's own early allocations at the top of RAM (the linear map's page
 *       tables, the unflattened device tree, the node data, the memmap of sparse_init()),
 *       {@link Arm64Bootmem}.</li>
 *   <li>dma_contiguous_reserve(): the per-node areas, then the default area "reserved".</li>
 *   <li>Boot hooks run their mem_init part (the swiotlb bounce buffer).</li>
 *   <li>RAM is mapped through the backing; memblock's free memory goes to the page allocator
 *       (memblock_free_all) and the "Memory:" line sums it up (mem_init_print_info).</li>
 *   <li>core_initcall: cma_init_reserved_areas() activates every area.</li>
 *   <li>Pseudo files are registered; the device tree's device nodes are listed; boot hooks run
 *       their late part.</li>
 * </ol>
 * Errors the kernel logs and survives (a bad {@code cma=}, an area that does not fit) are logged
 * and the boot goes on; {@link #errors()} lists them.
 */
public final class Machine implements AutoCloseable {
    private final Platform platform;
    private final Cmdline cmdline;
    private final KernelLog log;
    private final Memblock memblock;
    private final CmaAreas cma;
    private final ZoneLayout zoneLayout;
    private final List<Zone> zones;
    private final PhysicalMemory memory;
    private final Pageblocks pageblocks;
    private final PageAllocator pageAllocator;
    private final KernelFs fs;
    private final Cma defaultArea;
    private final long dmaLimit;
    private final List<ReservedRegion> reservedMemory;
    private final List<DeviceNode> devices;

    private Machine(Platform platform, Cmdline cmdline, KernelLog log, Memblock memblock, CmaAreas cma,
                    ZoneLayout zoneLayout, List<Zone> zones, PhysicalMemory memory, Pageblocks pageblocks,
                    PageAllocator pageAllocator, KernelFs fs, Cma defaultArea, long dmaLimit,
                    List<ReservedRegion> reservedMemory, List<DeviceNode> devices) {
        this.platform = platform;
        this.cmdline = cmdline;
        this.log = log;
        this.memblock = memblock;
        this.cma = cma;
        this.zoneLayout = zoneLayout;
        this.zones = zones;
        this.memory = memory;
        this.pageblocks = pageblocks;
        this.pageAllocator = pageAllocator;
        this.fs = fs;
        this.defaultArea = defaultArea;
        this.dmaLimit = dmaLimit;
        this.reservedMemory = List.copyOf(reservedMemory);
        this.devices = List.copyOf(devices);
    }

    public static Machine boot(Platform platform) {
        return boot(platform, List.of());
    }

    /**
     * Boots {@code platform}.
     *
     * @throws IllegalArgumentException if the platform has no RAM or its ranges overlap
     * @throws io.jcma.cma.kernel.ErrnoException ENOMEM if the backing cannot map the RAM
     */
    public static Machine boot(Platform platform, List<BootHook> hooks) {
        KernelLog log = KernelLog.create();
        String text = platform.cmdline();
        if (text.isEmpty() && platform.deviceTree() != null) {
            text = OfFdt.bootargs(platform.deviceTree(), log);
        }
        Cmdline cmdline = Cmdline.parse(text);
        MemoryBacking backing = openBacking(platform.backing());
        try {
            return boot(platform, hooks, log, cmdline, backing);
        } catch (RuntimeException e) {
            backing.close();
            throw e;
        }
    }

    private static Machine boot(Platform platform, List<BootHook> hooks, KernelLog log, Cmdline cmdline,
                                MemoryBacking backing) {
        if (cmdline.has("cma_debug") || cmdline.all("dyndbg").size() > 0) {
            log.setDebug(true);
        }
        Fdt dt = platform.deviceTree();
        log.info("Linux version 6.12.0-jcma (jcma simulated " + platform.arch().kernelName() + ")");
        if (dt != null) {
            log.info("Machine model: " + OfFdt.machineName(dt));
        }
        log.info("Kernel command line: " + cmdline.text());

        List<MemRange> ram = platform.memory();
        if (ram.isEmpty() && dt != null) {
            ram = OfFdt.memory(dt, log).stream().map(r -> new MemRange(r.base(), r.end(), r.nid())).toList();
            if (ram.isEmpty()) {
                throw new IllegalArgumentException("memory: none (the device tree's memory nodes are missing, empty or"
                        + " zero-sized: give --mem or --memory, as a bootloader would fill them in)");
            }
        }
        List<MemoryBank> banks = banks(ram, backing);
        Memblock memblock = Memblock.create();
        for (MemoryBank b : banks) {
            memblock.add(b.start(), b.end() - b.start(), b.nid());
        }
        for (MemRange r : platform.reservations()) {
            memblock.reserve(r.start(), r.size());
        }

        EarlyCma earlyCma = new EarlyCma();
        for (Cmdline.Param p : cmdline.params()) {
            switch (p.name().replace('-', '_')) {
                case "cma" -> earlyCma.parse(p.value(), log);
                case "numa_cma" -> earlyCma.parseNuma(p.value());
                case "cma_pernuma" -> earlyCma.parsePernuma(p.value());
                default -> {
                }
            }
        }

        CmaAreas cma = CmaAreas.create(memblock, log);
        Cma[] defaultArea = new Cma[1];
        EarlyBoot early = new EarlyBoot() {
            @Override
            public Memblock memblock() {
                return memblock;
            }

            @Override
            public CmaAreas cma() {
                return cma;
            }

            @Override
            public KernelLog log() {
                return log;
            }

            @Override
            public Cmdline cmdline() {
                return cmdline;
            }

            @Override
            public Arch arch() {
                return platform.arch();
            }

            @Override
            public boolean cmaCmdlineGiven() {
                return earlyCma.given();
            }

            @Override
            public Cma defaultArea() {
                return defaultArea[0];
            }

            @Override
            public void setDefaultArea(Cma area) {
                defaultArea[0] = area;
            }
        };
        List<ReservedRegion> regions = List.of();
        long dmaLimit = platform.dmaLimit();
        if (dt != null) {
            List<ReservedMemHandler> table = new ArrayList<>(List.of(DmaContiguous.RMEM_CMA));
            for (BootHook h : hooks) {
                table.addAll(h.reservedMemHandlers());
            }
            regions = OfFdt.scanReservedMem(early, dt, table);
            if (dmaLimit == 0) {
                dmaLimit = OfAddress.dmaLimit(dt, log);
            }
        }

        ZoneLayout layout = platform.arch().zoneLayout(memblock, dmaLimit);
        List<Zone> zones = layout.zones(banks);
        logZones(log, layout, memblock, banks);

        for (BootHook h : hooks) {
            h.reserve(early);
        }
        if (platform.arch() == Arch.ARM64) {
            Arm64Bootmem.allocate(memblock, dt, regions.size(), log);
        }
        DmaContiguous.reserve(early, earlyCma, platform.arch().dmaContiguousLimit(memblock, dmaLimit));
        for (BootHook h : hooks) {
            h.memInit(early);
        }

        PhysicalMemory memory = PhysicalMemory.of(banks, backing);
        Pageblocks pageblocks = Pageblocks.create(memory.startPfn(), memory.endPfn());
        PageAllocator allocator = platform.pageAllocator().create(memory, zones, pageblocks);
        allocator.freeMemblockMemory(memblock);
        memInitPrintInfo(log, memblock, allocator, cma);
        cma.initReservedAreas(memory, zones, allocator);

        KernelFs fs = KernelFs.create();
        CmaFs.register(fs, cma, allocator);
        MmFs.register(fs, allocator);
        List<DeviceNode> devices = dt == null ? List.of() : OfPlatform.devices(dt, regions, log);
        Machine m = new Machine(platform, cmdline, log, memblock, cma, layout, zones, memory, pageblocks, allocator,
                fs, defaultArea[0], dmaLimit, regions, devices);
        for (BootHook h : hooks) {
            h.late(m);
        }
        return m;
    }

    /**
     * mem_init_print_info() of mm/mm_init.c, once memblock's memory is in the page allocator and
     * before the CMA areas are active: free pages of present pages, the kernel image's sections
     * (0K: a simulated machine loads no image), the rest of present memory that is neither
     * managed nor CMA as reserved (memblock reservations, no-map regions, early allocations),
     * and the CMA areas' pages (totalcma_pages).
     */
    private static void memInitPrintInfo(KernelLog log, Memblock memblock, PageAllocator allocator, CmaAreas cma) {
        long physpages = 0;
        for (Memblock.Region r : memblock.memory()) {
            physpages += Math.max(0, Mm.pfnDown(r.end()) - Mm.pfnUp(r.base()));
        }
        long k = Mm.PAGE_SHIFT - 10;
        long cmaPages = cma.totalcmaPages();
        log.info(String.format("Memory: %dK/%dK available (0K kernel code, 0K rwdata, 0K rodata, 0K init, 0K bss,"
                        + " %dK reserved, %dK cma-reserved)", allocator.freePages() << k, physpages << k,
                (physpages - allocator.managedPages() - cmaPages) << k, cmaPages << k));
    }

    private static MemoryBacking openBacking(String spec) {
        String name = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
        if (name.equals("sparse-file")) {
            return MemoryBacking.sparseFile();
        }
        List<String> known = new ArrayList<>(List.of("sparse-file"));
        for (MemoryBackingProvider p : ServiceLoader.load(MemoryBackingProvider.class)) {
            if (p.name().equals(name)) {
                return p.open(spec);
            }
            known.add(p.name());
        }
        throw new IllegalArgumentException("backing: " + spec + " (expected one of: " + String.join(", ", known) + ")");
    }

    /** The RAM banks: the backing's own layout if it dictates one, else the platform's ranges. */
    private static List<MemoryBank> banks(List<MemRange> ram, MemoryBacking backing) {
        Optional<List<MemoryBank>> fixed = backing.ramLayout();
        List<MemoryBank> raw = new ArrayList<>();
        if (fixed.isPresent()) {
            raw.addAll(fixed.get());
        } else {
            for (MemRange r : ram) {
                // e820 trims partial pages: RAM starts at the next page and ends at the last whole one.
                long s = Mm.pfnUp(r.start());
                long e = Mm.pfnDown(r.end());
                if (e > s) {
                    raw.add(new MemoryBank(s, e - s, r.nid()));
                }
            }
        }
        if (raw.isEmpty()) {
            throw new IllegalArgumentException("memory: none (expected: at least one RAM range, e.g. --mem 1G)");
        }
        raw.sort(Comparator.comparingLong(MemoryBank::startPfn));
        List<MemoryBank> merged = new ArrayList<>();
        for (MemoryBank b : raw) {
            if (!merged.isEmpty()) {
                MemoryBank last = merged.getLast();
                if (b.startPfn() < last.endPfn()) {
                    throw new IllegalArgumentException("memory: ranges overlap: " + Mm.pa(last.start()) + "-"
                            + Mm.pa(last.end() - 1) + " and " + Mm.pa(b.start()) + "-" + Mm.pa(b.end() - 1));
                }
                if (b.startPfn() == last.endPfn() && b.nid() == last.nid()) {
                    merged.set(merged.size() - 1, new MemoryBank(last.startPfn(), last.pages() + b.pages(), last.nid()));
                    continue;
                }
            }
            merged.add(b);
        }
        return merged;
    }

    private static void logZones(KernelLog log, ZoneLayout layout, Memblock memblock, List<MemoryBank> banks) {
        log.info("Zone ranges:");
        long lowest = memblock.start();
        long maxEnd = memblock.end();
        long prevEnd = lowest;
        for (ZoneType t : new ZoneType[] {ZoneType.DMA, ZoneType.DMA32, ZoneType.NORMAL}) {
            long end = Math.min(layout.typeEnd(t), maxEnd);
            long start = prevEnd;
            end = Math.max(end, start);
            String name = String.format("  %-8s ", t.kernelName());
            if (start >= end) {
                log.info(name + "empty");
            } else {
                log.info(name + "[mem " + Mm.pa(start) + "-" + Mm.pa(end - 1) + "]");
            }
            prevEnd = end;
        }
        log.info("Movable zone start for each node");
        log.info("Early memory node ranges");
        for (Memblock.Region r : memblock.memory()) {
            log.info(String.format("  node %3d: [mem %s-%s]", r.nid(), Mm.pa(r.base()), Mm.pa(r.end() - 1)));
        }
        banks.stream().mapToInt(MemoryBank::nid).distinct().sorted().forEach(nid -> {
            long lo = banks.stream().filter(b -> b.nid() == nid).mapToLong(MemoryBank::start).min().orElse(0);
            long hi = banks.stream().filter(b -> b.nid() == nid).mapToLong(MemoryBank::end).max().orElse(0);
            log.info("Initmem setup node " + nid + " [mem " + Mm.pa(lo) + "-" + Mm.pa(hi - 1) + "]");
        });
    }

    public Platform platform() {
        return platform;
    }

    public Arch arch() {
        return platform.arch();
    }

    public Cmdline cmdline() {
        return cmdline;
    }

    public KernelLog log() {
        return log;
    }

    public Memblock memblock() {
        return memblock;
    }

    public CmaAreas cma() {
        return cma;
    }

    public ZoneLayout zoneLayout() {
        return zoneLayout;
    }

    public List<Zone> zones() {
        return zones;
    }

    /** page_zone(): the zone of {@code pfn}, or null in a hole. */
    public Zone zoneOf(long pfn) {
        return Zone.of(zones, memory, pfn);
    }

    public PhysicalMemory memory() {
        return memory;
    }

    public Pageblocks pageblocks() {
        return pageblocks;
    }

    /** The page allocator the platform chose (the buddy allocator unless told otherwise). */
    public PageAllocator pageAllocator() {
        return pageAllocator;
    }

    /**
     * The page allocator, when it is one that lends pages to movable memory and migrates them
     * (the buddy allocator, the default); empty for {@code PageAllocator::simple}.
     */
    public Optional<MigratingPageAllocator> migratingPageAllocator() {
        return pageAllocator instanceof MigratingPageAllocator m ? Optional.of(m) : Optional.empty();
    }

    public KernelFs fs() {
        return fs;
    }

    /** dma_contiguous_default_area: the default area ("reserved" or a DT default pool). */
    public Optional<Cma> defaultArea() {
        return Optional.ofNullable(defaultArea);
    }

    /** The device tree the machine booted from. */
    public Optional<Fdt> deviceTree() {
        return Optional.ofNullable(platform.deviceTree());
    }

    /** The DMA limit in force: the platform's, else the device tree's dma-ranges; 0 for none (exclusive). */
    public long dmaLimit() {
        return dmaLimit;
    }

    /**
     * The device tree's /reserved-memory regions after their init functions ran, in the order
     * they ran: dynamically placed ones first, then the others by address.
     */
    public List<ReservedRegion> reservedMemory() {
        return reservedMemory;
    }

    /** The device tree's device nodes, depth first (empty without a device tree). */
    public List<DeviceNode> devices() {
        return devices;
    }

    /** dma_contiguous_pernuma_area[nid]: the {@code cma_pernuma=} area of node {@code nid}. */
    public Optional<Cma> pernumaArea(int nid) {
        return cma.byName("pernuma" + nid).filter(c -> c.nid() == nid);
    }

    /** dma_contiguous_numa_area[nid]: the {@code numa_cma=} area of node {@code nid}. */
    public Optional<Cma> numaArea(int nid) {
        return cma.byName("numa" + nid).filter(c -> c.nid() == nid);
    }

    /** The devices compatible with {@code compat} (of_find_compatible_node()). */
    public List<DeviceNode> devices(String compat) {
        return devices.stream().filter(d -> d.isCompatible(compat)).toList();
    }

    /** The messages logged at KERN_ERR during and since boot. */
    public List<String> errors() {
        return log.errors();
    }

    /** Unmaps the RAM. The machine must not be used afterwards. */
    @Override
    public void close() {
        memory.close();
    }
}

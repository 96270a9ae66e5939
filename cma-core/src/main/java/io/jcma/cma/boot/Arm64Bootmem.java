package io.jcma.cma.boot;

import io.jcma.cma.fdt.Fdt;
import io.jcma.cma.fdt.FdtException;
import io.jcma.cma.fdt.FdtNode;
import io.jcma.cma.fdt.FdtProperty;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.cma.mm.Memblock;
import io.jcma.cma.mm.Mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.HashSet;
import java.util.Set;

/**
 * Mirrors the memblock allocations arm64's setup_arch() makes (6.12, Debian's arm64 config:
 * 4 KiB pages, CONFIG_ARM64_PA_BITS=52 running on a CPU with 48-bit VAs, rodata=full, NUMA)
 * after arm64_memblock_init() has placed the device tree's reserved memory and before
 * bootmem_init() calls dma_contiguous_reserve(): the memory {@code cma=} is placed below.
 * Each is top-down, as memblock allocates, in the kernel's order:
 *
 * <ol>
 *   <li>paging_init() / map_mem(): the linear map's page tables, one 4 KiB page each
 *       (early_pgtable_alloc()): rodata=full maps RAM with pages, so one PTE table per 2 MiB of
 *       mapped RAM, one PMD table per GiB, one PUD table per 512 GiB (four levels on a 48-bit
 *       VA CPU); no-map regions are not mapped. 960 MiB: 482 pages.</li>
 *   <li>unflatten_device_tree(), with a device tree: the reserved_mem array
 *       (fdt_scan_reserved_mem_reg_nodes(): 48 bytes a region, 64-aligned), the expanded tree
 *       sized as __unflatten_device_tree()'s dry run sizes it (below), and one alias_prop per
 *       /aliases entry of_alias_scan() keeps (40 bytes + stem + NUL, 8-aligned).</li>
 *   <li>bootmem_init() / arch_numa_init(): each node's pg_data_t ({@link #PGDAT_BYTES}, an
 *       estimate) and its node_to_cpumask_map entry (64 bytes, CONFIG_CPUMASK_OFFSTACK).</li>
 *   <li>sparse_init(): the mem_section root table (memblocks_present(): 2^25 sections of 128 MiB
 *       for 52-bit PAs, 128 sections a 4 KiB root with CONFIG_PAGE_EXTENSION's 32-byte
 *       mem_section: 2^18 pointers, 2 MiB, 64-aligned), one 4 KiB root per 128 present sections
 *       (sparse_index_alloc()), then per node the usemaps (56 bytes a section, in the pgdat's
 *       section first: CONFIG_MEMORY_HOTREMOVE) and the memmap buffer (sparse_buffer_init():
 *       2 MiB of struct page, 64 bytes a page, for every present section, full or not, 2 MiB
 *       aligned, on the node), then the vmemmap's own page tables (one PUD table per 512 GiB and
 *       one PMD table per GiB of vmemmap; the vmemmap of VA_BITS=52 on 48 bits starts 1 GiB
 *       below a 512 GiB boundary).</li>
 * </ol>
 *
 * <p>The expanded tree: every node is a struct device_node (208 bytes) followed by its full
 * name and NUL, every property a struct property (104 bytes, CONFIG_OF_KOBJ, no OF_DYNAMIC), and
 * a node without a {@code name} property (every node of a version 17 blob) gets one more
 * property holding its unit name and NUL, each piece 8-aligned; the sum rounded up to 4, plus
 * the 4-byte end marker.
 *
 * <p>What differs from a real boot: jcma has no kernel image, initrd or firmware tables. The
 * kernel maps the linear alias of its own text and rodata with 2 MiB blocks (NO_CONT_MAPPINGS
 * only), so every 2 MiB block wholly inside [_text, __init_begin) needs no PTE table: a Debian
 * image saves some ten pages there, which jcma, mapping all of RAM with pages, spends.
 * pg_data_t is estimated. The CPU-count-sized allocations made later (percpu, the boot CPU's
 * stacks) come after dma_contiguous_reserve() and do not matter here.
 */
final class Arm64Bootmem {
    /** One early allocation: what it is, where memblock put it, how many bytes. */
    record Allocation(String what, long base, long size) {
        long end() {
            return base + size;
        }
    }

    static final long PMD_SIZE = 1L << 21;
    static final long PUD_SIZE = 1L << 30;
    static final long PGDIR_SIZE = 1L << 39;
    static final int SECTION_SIZE_BITS = 27;
    static final long SECTION_BYTES = 1L << SECTION_SIZE_BITS;
    /** sizeof(struct page). */
    static final long STRUCT_PAGE = 64;
    /** section_map_size(): ALIGN(64 * PAGES_PER_SECTION, PMD_SIZE). */
    static final long SECTION_MAP_SIZE = STRUCT_PAGE * (SECTION_BYTES / Mm.PAGE_SIZE);
    /** sizeof(struct mem_section *) * NR_SECTION_ROOTS: 8 * 2^(52 - 27) / 128. */
    static final long MEM_SECTION_ROOTS_BYTES = 8L * ((1L << (52 - SECTION_SIZE_BITS)) / 128);
    static final long SECTIONS_PER_ROOT = 128;
    /** mem_section_usage_size(): rcu_head 16 + subsection map 8 + pageblock flags 32. */
    static final long USAGE_BYTES = 56;
    /**
     * roundup(sizeof(pg_data_t), SMP_CACHE_BYTES): an estimate for Debian's arm64 config
     * (five zones of about 1.6 KiB, two zonelists of 81 zonerefs, the lruvec with MGLRU, the
     * node stats); the exact figure is in the kernel's debug info, which jcma does not read.
     */
    static final long PGDAT_BYTES = 12 * 1024;
    static final long SMP_CACHE_BYTES = 64;
    static final long DEVICE_NODE_BYTES = 208;
    static final long PROPERTY_BYTES = 104;
    static final long ALIAS_PROP_BYTES = 40;
    static final long RESERVED_MEM_BYTES = 48;
    static final long CPUMASK_BYTES = 64;

    private Arm64Bootmem() {
    }

    /**
     * Makes the allocations in memblock and returns them in the order they were made. One that
     * does not fit is logged as the kernel would panic and the rest are skipped; the boot goes
     * on (a simulated machine that small has nothing to gain from stopping).
     *
     * @param reservedMemRegions the /reserved-memory regions the scan reserved or placed
     */
    static List<Allocation> allocate(Memblock memblock, Fdt dt, int reservedMemRegions, KernelLog log) {
        List<Allocation> out = new ArrayList<>();
        try {
            linearMapTables(memblock, out);
            if (dt != null) {
                unflatten(memblock, dt, reservedMemRegions, out);
            }
            List<Integer> nodes = memblock.memory().stream().map(Memblock.Region::nid).distinct().sorted().toList();
            List<Long> pgdats = new ArrayList<>();
            for (int nid : nodes) {
                long pa = alloc(memblock, "NODE_DATA(" + nid + ")", PGDAT_BYTES, SMP_CACHE_BYTES, 0, nid, false, out);
                pgdats.add(pa);
            }
            for (int nid : nodes) {
                alloc(memblock, "node_to_cpumask_map[" + nid + "]", CPUMASK_BYTES, SMP_CACHE_BYTES, 0, Mm.NUMA_NO_NODE,
                        false, out);
            }
            sparseInit(memblock, nodes, pgdats, out);
        } catch (NoRoom e) {
            log.err("Kernel panic - not syncing: " + e.getMessage());
        }
        return out;
    }

    /** map_mem(): page tables for every mapped page of RAM, 4 KiB pages all the way. */
    private static void linearMapTables(Memblock memblock, List<Allocation> out) {
        long memstart = Mm.alignDown(memblock.start(), PUD_SIZE);
        List<long[]> mapped = new ArrayList<>();
        for (Memblock.Region r : memblock.memory()) {
            long s = Mm.alignUp(r.base(), Mm.PAGE_SIZE) - memstart;
            long e = Mm.alignDown(r.end(), Mm.PAGE_SIZE) - memstart;
            if (!r.nomap() && s < e) {
                mapped.add(new long[] {s, e});
            }
        }
        long tables = blocks(mapped, PMD_SIZE) + blocks(mapped, PUD_SIZE) + blocks(mapped, PGDIR_SIZE);
        pages(memblock, "linear map page tables", tables, out);
    }

    /** The number of {@code block}-sized, block-aligned blocks that ascending ranges [s, e) touch. */
    static long blocks(List<long[]> ranges, long block) {
        long count = 0;
        long last = -1;
        for (long[] r : ranges) {
            long first = Math.max(r[0] / block, last + 1);
            long end = (r[1] - 1) / block;
            if (end >= first) {
                count += end - first + 1;
                last = end;
            }
        }
        return count;
    }

    /**
     * {@code count} single pages, top-down: each the highest free page, so they fill the top of
     * the highest free range and go on below it.
     */
    private static void pages(Memblock memblock, String what, long count, List<Allocation> out) {
        long left = count;
        while (left > 0) {
            List<Memblock.Region> free = memblock.freeRanges(Mm.NUMA_NO_NODE);
            Memblock.Region top = null;
            for (int i = free.size() - 1; i >= 0 && top == null; i--) {
                Memblock.Region f = free.get(i);
                if (Mm.alignDown(f.end(), Mm.PAGE_SIZE) - Mm.alignUp(Math.max(f.base(), Mm.PAGE_SIZE), Mm.PAGE_SIZE)
                        >= Mm.PAGE_SIZE) {
                    top = f;
                }
            }
            if (top == null) {
                throw new NoRoom("Failed to allocate page table page (" + what + ")");
            }
            long end = Mm.alignDown(top.end(), Mm.PAGE_SIZE);
            long lo = Mm.alignUp(Math.max(top.base(), Mm.PAGE_SIZE), Mm.PAGE_SIZE);
            long n = Math.min(left, (end - lo) / Mm.PAGE_SIZE);
            long base = end - n * Mm.PAGE_SIZE;
            memblock.reserve(base, n * Mm.PAGE_SIZE);
            out.add(new Allocation(what, base, n * Mm.PAGE_SIZE));
            left -= n;
        }
    }

    /** unflatten_device_tree(): the reserved_mem array, the tree, the aliases. */
    private static void unflatten(Memblock memblock, Fdt dt, int reservedMemRegions, List<Allocation> out) {
        if (dt.node("/reserved-memory").isPresent() && reservedMemRegions > 0) {
            alloc(memblock, "reserved_mem array", RESERVED_MEM_BYTES * reservedMemRegions, SMP_CACHE_BYTES, 0,
                    Mm.NUMA_NO_NODE, false, out);
        }
        alloc(memblock, "unflattened device tree", unflattenedSize(dt) + 4, 8, 0, Mm.NUMA_NO_NODE, false, out);
        for (long bytes : aliasProps(dt)) {
            alloc(memblock, "alias_prop", bytes, 8, 0, Mm.NUMA_NO_NODE, false, out);
        }
    }

    /** The dry run of __unflatten_device_tree(): the bytes of every node and property, ALIGN 4. */
    static long unflattenedSize(Fdt dt) {
        long mem = 0;
        for (FdtNode n : dt.nodes()) {
            mem = Mm.alignUp(mem, 8) + DEVICE_NODE_BYTES + n.name().getBytes().length + 1;
            boolean hasName = false;
            for (FdtProperty p : n.properties().values()) {
                hasName |= p.name().equals("name");
                mem = Mm.alignUp(mem, 8) + PROPERTY_BYTES;
            }
            if (!hasName) {
                String unit = n.name().contains("@") ? n.name().substring(0, n.name().indexOf('@')) : n.name();
                mem = Mm.alignUp(mem, 8) + PROPERTY_BYTES + unit.getBytes().length + 1;
            }
        }
        return Mm.alignUp(mem, 4);
    }

    /**
     * of_alias_scan(): the size of each alias_prop it allocates, for the /aliases entries whose
     * value is the path of a node and whose name ends in a number.
     */
    static List<Long> aliasProps(Fdt dt) {
        List<Long> sizes = new ArrayList<>();
        Optional<FdtNode> aliases = dt.node("/aliases");
        if (aliases.isEmpty()) {
            return sizes;
        }
        for (FdtProperty p : aliases.get().properties().values()) {
            String name = p.name();
            if (name.equals("name") || name.equals("phandle") || name.equals("linux,phandle")) {
                continue;
            }
            String path;
            try {
                path = p.string();
            } catch (FdtException e) {
                continue;
            }
            if (!path.startsWith("/") || dt.node(path).isEmpty()) {
                continue;
            }
            int end = name.length();
            while (end > 0 && Character.isDigit(name.charAt(end - 1))) {
                end--;
            }
            if (end == name.length()) {
                continue; // kstrtoint("") fails: no id, no alias_prop
            }
            sizes.add(ALIAS_PROP_BYTES + end + 1);
        }
        return sizes;
    }

    /** sparse_init(), node by node. */
    private static void sparseInit(Memblock memblock, List<Integer> nodes, List<Long> pgdats, List<Allocation> out) {
        alloc(memblock, "mem_section", MEM_SECTION_ROOTS_BYTES, SMP_CACHE_BYTES, 0, Mm.NUMA_NO_NODE, false, out);
        // memory_present(): sections in address order, each with the node of its first memory
        Set<Long> roots = new HashSet<>();
        List<long[]> sections = new ArrayList<>(); // {section nr, nid}
        for (Memblock.Region r : memblock.memory()) {
            for (long s = r.base() >>> SECTION_SIZE_BITS; s <= (r.end() - 1) >>> SECTION_SIZE_BITS; s++) {
                if (!sections.isEmpty() && sections.getLast()[0] == s) {
                    continue;
                }
                sections.add(new long[] {s, r.nid()});
                if (roots.add(s / SECTIONS_PER_ROOT)) {
                    alloc(memblock, "mem_section root " + s / SECTIONS_PER_ROOT, Mm.PAGE_SIZE, SMP_CACHE_BYTES, 0,
                            r.nid(), false, out);
                }
            }
        }
        int i = 0;
        while (i < sections.size()) {
            int nid = (int) sections.get(i)[1];
            int j = i;
            while (j < sections.size() && sections.get(j)[1] == nid) {
                j++;
            }
            sparseInitNid(memblock, nid, sections.subList(i, j), pgdats.get(nodes.indexOf(nid)), out);
            i = j;
        }
    }

    /** sparse_init_nid(): usemaps, the memmap buffer, the vmemmap's page tables. */
    private static void sparseInitNid(Memblock memblock, int nid, List<long[]> sections, long pgdat,
                                      List<Allocation> out) {
        long goal = Mm.alignDown(pgdat, SECTION_BYTES);
        long usage = USAGE_BYTES * sections.size();
        long a = memblock.allocRangeNid(usage, SMP_CACHE_BYTES, goal, goal + SECTION_BYTES, nid, false);
        if (a != 0) {
            out.add(new Allocation("usemap node " + nid, a, usage));
        } else {
            alloc(memblock, "usemap node " + nid, usage, SMP_CACHE_BYTES, goal, nid, false, out);
        }
        long buf = SECTION_MAP_SIZE * sections.size();
        alloc(memblock, "memmap node " + nid, buf, SECTION_MAP_SIZE, 0, nid, true, out);
        List<long[]> vmemmap = new ArrayList<>();
        long startPfn = Mm.alignDown(memblock.start(), PUD_SIZE) >>> Mm.PAGE_SHIFT;
        for (long[] s : sections) {
            long pfn = s[0] << (SECTION_SIZE_BITS - Mm.PAGE_SHIFT);
            long off = (pfn - startPfn) * STRUCT_PAGE + (PGDIR_SIZE - PUD_SIZE);
            vmemmap.add(new long[] {off, off + SECTION_MAP_SIZE});
        }
        pages(memblock, "vmemmap page tables", blocks(vmemmap, PUD_SIZE) + blocks(vmemmap, PGDIR_SIZE), out);
    }

    /**
     * memblock_alloc_try_nid() and friends: top-down in [min, any), on {@code nid} (only there
     * with {@code exactNid}), retried from 0 when a minimum was given.
     */
    private static long alloc(Memblock memblock, String what, long size, long align, long min, int nid,
                              boolean exactNid, List<Allocation> out) {
        long a = memblock.allocRangeNid(size, align, min, 0, nid, exactNid);
        if (a == 0 && min != 0) {
            a = memblock.allocRangeNid(size, align, 0, 0, nid, exactNid);
        }
        if (a == 0) {
            throw new NoRoom(what + ": Failed to allocate " + size + " bytes align=0x" + Long.toHexString(align)
                    + " nid=" + nid);
        }
        out.add(new Allocation(what, a, size));
        return a;
    }

    /** An early allocation that does not fit: where the kernel panics. */
    private static final class NoRoom extends RuntimeException {
        NoRoom(String message) {
            super(message, null, false, false);
        }
    }
}

package io.jcma.cma.mm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The boot-time memory allocator: a list of memory regions and a list of reserved regions.
 * Mirrors mm/memblock.c closely enough that CMA's placement decisions match the kernel's.
 *
 * <p>Free memory is memory minus reserved (minus no-map regions). Allocations search the free
 * ranges top-down, taking the highest aligned fit below the end of the window, unless
 * {@link #setBottomUp bottom-up} is set (then the lowest aligned fit). Nothing below
 * {@code PAGE_SIZE} is handed out. Not thread-safe: like the kernel's, it is used by one boot
 * thread before the page allocator exists.
 */
public final class Memblock {
    /** MEMBLOCK_NOMAP: memory the kernel must not map (a DT {@code no-map} carve-out). */
    public static final int FLAG_NOMAP = 0x4;

    /** One region: [base, base + size) on node {@code nid} with memblock flags. */
    public record Region(long base, long size, int nid, int flags) {
        public long end() {
            return base + size;
        }

        public boolean nomap() {
            return (flags & FLAG_NOMAP) != 0;
        }
    }

    private final List<Region> memory = new ArrayList<>();
    private final List<Region> reserved = new ArrayList<>();
    private boolean bottomUp;

    private Memblock() {
    }

    public static Memblock create() {
        return new Memblock();
    }

    public List<Region> memory() {
        return Collections.unmodifiableList(memory);
    }

    public List<Region> reserved() {
        return Collections.unmodifiableList(reserved);
    }

    /** memblock_add_node(). */
    public void add(long base, long size, int nid) {
        checkRange(base, size);
        addRange(memory, base, size, nid, 0);
    }

    /** memblock_remove(). */
    public void remove(long base, long size) {
        checkRange(base, size);
        removeRange(memory, base, size);
    }

    /** memblock_reserve(). Reserving what is already reserved succeeds. */
    public void reserve(long base, long size) {
        checkRange(base, size);
        addRange(reserved, base, size, Mm.NUMA_NO_NODE, 0);
    }

    /** memblock_phys_free(): gives a reservation back. */
    public void physFree(long base, long size) {
        checkRange(base, size);
        removeRange(reserved, base, size);
    }

    /** memblock_mark_nomap(). */
    public void markNomap(long base, long size) {
        checkRange(base, size);
        List<Region> out = new ArrayList<>();
        long end = base + size;
        for (Region r : memory) {
            if (r.end() <= base || r.base() >= end) {
                out.add(r);
                continue;
            }
            if (r.base() < base) {
                out.add(new Region(r.base(), base - r.base(), r.nid(), r.flags()));
            }
            long s = Math.max(r.base(), base);
            long e = Math.min(r.end(), end);
            out.add(new Region(s, e - s, r.nid(), r.flags() | FLAG_NOMAP));
            if (r.end() > end) {
                out.add(new Region(end, r.end() - end, r.nid(), r.flags()));
            }
        }
        memory.clear();
        memory.addAll(out);
        merge(memory);
    }

    /** memblock_clear_nomap(): undoes {@link #markNomap} over the range. */
    public void clearNomap(long base, long size) {
        checkRange(base, size);
        long end = base + size;
        List<Region> out = new ArrayList<>();
        for (Region r : memory) {
            if (r.end() <= base || r.base() >= end || !r.nomap()) {
                out.add(r);
                continue;
            }
            if (r.base() < base) {
                out.add(new Region(r.base(), base - r.base(), r.nid(), r.flags()));
            }
            long s = Math.max(r.base(), base);
            long e = Math.min(r.end(), end);
            out.add(new Region(s, e - s, r.nid(), r.flags() & ~FLAG_NOMAP));
            if (r.end() > end) {
                out.add(new Region(end, r.end() - end, r.nid(), r.flags()));
            }
        }
        memory.clear();
        memory.addAll(out);
        merge(memory);
    }

    /** memblock_overlaps_region(&memblock.memory, ...): true if any byte of the range is memory. */
    public boolean overlapsMemory(long base, long size) {
        return overlaps(memory, base, size);
    }

    public boolean bottomUp() {
        return bottomUp;
    }

    /** memblock_set_bottom_up(). */
    public void setBottomUp(boolean bottomUp) {
        this.bottomUp = bottomUp;
    }

    /** memblock_start_of_DRAM(). */
    public long start() {
        return memory.isEmpty() ? 0 : memory.getFirst().base();
    }

    /** memblock_end_of_DRAM(). */
    public long end() {
        return memory.isEmpty() ? 0 : memory.getLast().end();
    }

    /** memblock_phys_mem_size(). */
    public long physMemSize() {
        long s = 0;
        for (Region r : memory) {
            s += r.size();
        }
        return s;
    }

    /** memblock_reserved_size(). */
    public long reservedSize() {
        long s = 0;
        for (Region r : reserved) {
            s += r.size();
        }
        return s;
    }

    /** memblock_is_region_reserved(): true if any byte of the range is reserved. */
    public boolean isRegionReserved(long base, long size) {
        return overlaps(reserved, base, size);
    }

    /** True if every byte of the range is reserved (jcma's stricter check, see CmaAreas). */
    public boolean isRegionWhollyReserved(long base, long size) {
        return covered(reserved, base, size);
    }

    /** memblock_is_region_memory(): the range lies in one memory region. */
    public boolean isRegionMemory(long base, long size) {
        for (Region r : memory) {
            if (base >= r.base() && base < r.end()) {
                return base + size <= r.end();
            }
        }
        return false;
    }

    /** True if the range is covered by memory regions (possibly several adjacent ones). */
    public boolean isRegionWhollyMemory(long base, long size) {
        return covered(memory, base, size);
    }

    /** The node of the memory region holding {@code addr}, or NUMA_NO_NODE. */
    public int nidOf(long addr) {
        for (Region r : memory) {
            if (addr >= r.base() && addr < r.end()) {
                return r.nid();
            }
        }
        return Mm.NUMA_NO_NODE;
    }

    /**
     * The free ranges (memory, not no-map, minus reserved), ascending, limited to node
     * {@code nid} unless it is NUMA_NO_NODE. Mirrors for_each_free_mem_range().
     */
    public List<Region> freeRanges(int nid) {
        List<Region> out = new ArrayList<>();
        for (Region m : memory) {
            if (m.nomap() || (nid != Mm.NUMA_NO_NODE && m.nid() != nid)) {
                continue;
            }
            long cur = m.base();
            for (Region r : reserved) {
                if (r.end() <= cur) {
                    continue;
                }
                if (r.base() >= m.end()) {
                    break;
                }
                if (r.base() > cur) {
                    out.add(new Region(cur, r.base() - cur, m.nid(), 0));
                }
                cur = Math.max(cur, r.end());
            }
            if (cur < m.end()) {
                out.add(new Region(cur, m.end() - cur, m.nid(), 0));
            }
        }
        return out;
    }

    /**
     * memblock_find_in_range_node(): the address of a free, aligned range of {@code size} bytes
     * inside [start, end), or 0 if there is none. {@code end == 0} means no upper limit.
     */
    public long findInRangeNode(long size, long align, long start, long end, int nid) {
        if (end == 0) {
            end = Long.MAX_VALUE;
        }
        start = Math.max(start, Mm.PAGE_SIZE);
        end = Math.max(start, end);
        List<Region> free = freeRanges(nid);
        if (bottomUp) {
            for (Region f : free) {
                long s = clamp(f.base(), start, end);
                long e = clamp(f.end(), start, end);
                long cand = Mm.alignUp(s, align);
                if (cand < e && e - cand >= size) {
                    return cand;
                }
            }
        } else {
            for (int i = free.size() - 1; i >= 0; i--) {
                Region f = free.get(i);
                long s = clamp(f.base(), start, end);
                long e = clamp(f.end(), start, end);
                if (e < size) {
                    continue;
                }
                long cand = Mm.alignDown(e - size, align);
                if (cand >= s) {
                    return cand;
                }
            }
        }
        return 0;
    }

    /**
     * memblock_alloc_range_nid(): finds and reserves {@code size} bytes aligned to
     * {@code align} in [start, end) on node {@code nid}; with {@code exactNid} false, falls back
     * to any node. Returns the address, or 0 when nothing fits.
     *
     * @throws IllegalArgumentException if align is not a power of two or size is not positive
     */
    public long allocRangeNid(long size, long align, long start, long end, int nid, boolean exactNid) {
        if (size <= 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: > 0)");
        }
        if (align == 0) {
            align = 64; // SMP_CACHE_BYTES, as the kernel substitutes (with a warning)
        }
        if (!Mm.isPowerOfTwo(align)) {
            throw new IllegalArgumentException("align: " + align + " (expected: power of two)");
        }
        long found = findInRangeNode(size, align, start, end, nid);
        if (found != 0) {
            reserve(found, size);
            return found;
        }
        if (nid != Mm.NUMA_NO_NODE && !exactNid) {
            found = findInRangeNode(size, align, start, end, Mm.NUMA_NO_NODE);
            if (found != 0) {
                reserve(found, size);
                return found;
            }
        }
        return 0;
    }

    /** memblock_phys_alloc_range(). */
    public long physAllocRange(long size, long align, long start, long end) {
        return allocRangeNid(size, align, start, end, Mm.NUMA_NO_NODE, false);
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.min(Math.max(v, lo), hi);
    }

    private static void checkRange(long base, long size) {
        if (base < 0) {
            throw new IllegalArgumentException("base: " + Mm.pa(base) + " (expected: >= 0)");
        }
        if (size < 0 || base + size < base) {
            throw new IllegalArgumentException("size: " + size + " (expected: >= 0, no overflow)");
        }
    }

    private static boolean overlaps(List<Region> list, long base, long size) {
        long end = base + size;
        for (Region r : list) {
            if (r.base() < end && base < r.end()) {
                return true;
            }
        }
        return false;
    }

    private static boolean covered(List<Region> list, long base, long size) {
        long cur = base;
        long end = base + size;
        for (Region r : list) {
            if (r.end() <= cur) {
                continue;
            }
            if (r.base() > cur) {
                return false;
            }
            cur = r.end();
            if (cur >= end) {
                return true;
            }
        }
        return cur >= end;
    }

    private static void addRange(List<Region> list, long base, long size, int nid, int flags) {
        if (size == 0) {
            return;
        }
        // Insert only the parts not yet covered, as memblock_add_range() does.
        long cur = base;
        long end = base + size;
        List<Region> add = new ArrayList<>();
        for (Region r : list) {
            if (r.end() <= cur) {
                continue;
            }
            if (r.base() >= end) {
                break;
            }
            if (r.base() > cur) {
                add.add(new Region(cur, r.base() - cur, nid, flags));
            }
            cur = Math.max(cur, r.end());
        }
        if (cur < end) {
            add.add(new Region(cur, end - cur, nid, flags));
        }
        list.addAll(add);
        list.sort((a, b) -> Long.compare(a.base(), b.base()));
        merge(list);
    }

    private static void removeRange(List<Region> list, long base, long size) {
        long end = base + size;
        List<Region> out = new ArrayList<>();
        for (Region r : list) {
            if (r.end() <= base || r.base() >= end) {
                out.add(r);
                continue;
            }
            if (r.base() < base) {
                out.add(new Region(r.base(), base - r.base(), r.nid(), r.flags()));
            }
            if (r.end() > end) {
                out.add(new Region(end, r.end() - end, r.nid(), r.flags()));
            }
        }
        list.clear();
        list.addAll(out);
    }

    private static void merge(List<Region> list) {
        for (int i = 1; i < list.size(); ) {
            Region a = list.get(i - 1);
            Region b = list.get(i);
            if (a.end() == b.base() && a.nid() == b.nid() && a.flags() == b.flags()) {
                list.set(i - 1, new Region(a.base(), a.size() + b.size(), a.nid(), a.flags()));
                list.remove(i);
            } else {
                i++;
            }
        }
    }
}

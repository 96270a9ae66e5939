package io.jcma.cma.fs;

import io.jcma.cma.mm.Migratetype;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.PageAllocator;
import io.jcma.cma.mm.ZoneFreeArea;

import java.util.List;

/**
 * The page allocator's proc files, formatted as mm/vmstat.c formats them: /proc/buddyinfo
 * (frag_show()) and /proc/pagetypeinfo (pagetypeinfo_show()). Only populated zones appear, as
 * walk_zones_in_node() with assert_populated shows them.
 */
public final class MmFs {
    private MmFs() {
    }

    /** Registers /proc/buddyinfo and /proc/pagetypeinfo. */
    public static void register(KernelFs fs, PageAllocator pages) {
        fs.registerFile("/proc/buddyinfo", () -> buddyinfo(pages.freeAreas()), null);
        fs.registerFile("/proc/pagetypeinfo", () -> pagetypeinfo(pages.freeAreas()), null);
    }

    /** frag_show_print(): "Node %d, zone %8s " then "%6lu " per order. */
    public static String buddyinfo(List<ZoneFreeArea> areas) {
        StringBuilder sb = new StringBuilder();
        for (ZoneFreeArea a : areas) {
            sb.append(String.format("Node %d, zone %8s ", a.zone().nid(), a.zone().type().kernelName()));
            for (int o = 0; o <= Mm.MAX_PAGE_ORDER; o++) {
                sb.append(String.format("%6d ", a.nrFree(o)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * pagetypeinfo_show() per node: the header, pagetypeinfo_showfree() (free blocks per type
     * and order, "&gt;" before a count capped at 100000) and pagetypeinfo_showblockcount().
     * pagetypeinfo_showmixedcount() prints nothing without page_owner, as here.
     */
    public static String pagetypeinfo(List<ZoneFreeArea> areas) {
        StringBuilder sb = new StringBuilder();
        int[] nids = areas.stream().mapToInt(a -> a.zone().nid()).distinct().toArray();
        for (int nid : nids) {
            List<ZoneFreeArea> node = areas.stream().filter(a -> a.zone().nid() == nid).toList();
            sb.append("Page block order: ").append(Mm.PAGEBLOCK_ORDER).append('\n');
            sb.append("Pages per block:  ").append(Mm.PAGEBLOCK_NR_PAGES).append('\n');
            sb.append('\n');
            sb.append(String.format("%-43s ", "Free pages count per migrate type at order"));
            for (int o = 0; o <= Mm.MAX_PAGE_ORDER; o++) {
                sb.append(String.format("%6d ", o));
            }
            sb.append('\n');
            for (ZoneFreeArea a : node) {
                for (Migratetype mt : Migratetype.values()) {
                    sb.append(String.format("Node %4d, zone %8s, type %12s ", nid, a.zone().type().kernelName(),
                            mt.kernelName()));
                    for (int o = 0; o <= Mm.MAX_PAGE_ORDER; o++) {
                        long n = a.freeBlocks(mt, o);
                        boolean overflow = n >= 100000;
                        sb.append(String.format("%s%6d ", overflow ? ">" : "", overflow ? 100000 : n));
                    }
                    sb.append('\n');
                }
            }
            sb.append('\n').append(String.format("%-23s", "Number of blocks type "));
            for (Migratetype mt : Migratetype.values()) {
                sb.append(String.format("%12s ", mt.kernelName()));
            }
            sb.append('\n');
            for (ZoneFreeArea a : node) {
                sb.append(String.format("Node %d, zone %8s ", nid, a.zone().type().kernelName()));
                for (Migratetype mt : Migratetype.values()) {
                    sb.append(String.format("%12d ", a.pageblocks(mt)));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}

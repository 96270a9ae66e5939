package io.jcma.cma.mm;

/**
 * One zone of one node: the pfns [startPfn, endPfn) it spans (holes included, as
 * zone->zone_start_pfn and spanned_pages describe it).
 */
public record Zone(int nid, ZoneType type, long startPfn, long endPfn) {
    public boolean contains(long pfn) {
        return pfn >= startPfn && pfn < endPfn;
    }

    public long spannedPages() {
        return endPfn - startPfn;
    }

    /** page_zone(): the zone of {@code pfn} among {@code zones}, or null in a hole. */
    public static Zone of(java.util.List<Zone> zones, PhysicalMemory memory, long pfn) {
        MemoryBank b = memory.bankOf(pfn);
        if (b == null) {
            return null;
        }
        for (Zone z : zones) {
            if (z.nid() == b.nid() && z.contains(pfn)) {
                return z;
            }
        }
        return null;
    }
}

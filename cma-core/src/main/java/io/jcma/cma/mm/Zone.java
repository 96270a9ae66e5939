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
}

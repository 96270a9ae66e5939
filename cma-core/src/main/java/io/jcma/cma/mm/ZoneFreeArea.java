package io.jcma.cma.mm;

/**
 * A snapshot of one zone's free_area[]: free blocks per order and migratetype, and pageblocks
 * per migratetype, taken under the zone lock. What /proc/buddyinfo and /proc/pagetypeinfo
 * print.
 */
public record ZoneFreeArea(Zone zone, long[][] freeBlocks, long[] pageblocks) {

    /** zone->free_area[order].nr_free: free blocks of that order over every migratetype. */
    public long nrFree(int order) {
        long n = 0;
        for (long[] perOrder : freeBlocks) {
            n += perOrder[order];
        }
        return n;
    }

    /** Free blocks of {@code order} on the {@code mt} list. */
    public long freeBlocks(Migratetype mt, int order) {
        return freeBlocks[mt.ordinal()][order];
    }

    /** Pageblocks of the zone whose migratetype is {@code mt}. */
    public long pageblocks(Migratetype mt) {
        return pageblocks[mt.ordinal()];
    }

    /** Free pages over all lists (isolated ones included). */
    public long freePages() {
        long n = 0;
        for (long[] perOrder : freeBlocks) {
            for (int o = 0; o < perOrder.length; o++) {
                n += perOrder[o] << o;
            }
        }
        return n;
    }
}

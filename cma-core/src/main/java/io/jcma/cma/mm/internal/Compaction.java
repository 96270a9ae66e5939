package io.jcma.cma.mm.internal;

import io.jcma.cma.mm.Migratetype;

import java.util.List;

import static io.jcma.cma.mm.internal.PageFlags.ST_CONTIG;
import static io.jcma.cma.mm.internal.PageFlags.ST_MOVABLE;

/**
 * Mirrors the two isolate steps of mm/compaction.c that alloc_contig_range() uses:
 * isolate_migratepages_range() (collect the movable pages of a range for migrate_pages()) and
 * isolate_freepages_range() (take the free blocks of an isolated range off their lists as
 * order-0 pages). Compaction itself (the scanners, kcompactd) is not modelled.
 */
final class Compaction {
    /** COMPACT_CLUSTER_MAX: pages isolated for migration at a time. */
    static final int COMPACT_CLUSTER_MAX = 32;

    private final FreeLists fl;

    Compaction(FreeLists fl) {
        this.fl = fl;
    }

    /**
     * isolate_migratepages_range(): up to COMPACT_CLUSTER_MAX movable pages of [pfn, end) onto
     * {@code list}, under the zone lock; returns the pfn where it stopped.
     */
    long isolateMigratepagesRange(long pfn, long end, List<Long> list) {
        fl.lock.lock();
        try {
            while (pfn < end && list.size() < COMPACT_CLUSTER_MAX) {
                if (fl.isFreeHead(pfn)) {
                    pfn += 1L << fl.orderOf(pfn);
                    continue;
                }
                if (fl.state(pfn) == ST_MOVABLE) {
                    list.add(pfn);
                }
                pfn++;
            }
            return pfn;
        } finally {
            fl.lock.unlock();
        }
    }

    /**
     * isolate_freepages_range(): takes every free block of [start, end) (all on Isolate lists,
     * {@code start} a head) off its list, split into order-0 pages as free_contig_range() frees
     * them one by one; returns the end of the last block, which may run past {@code end}. The
     * caller holds the zone lock.
     */
    long isolateFreepagesRange(long start, long end) {
        long p = start;
        while (p < end) {
            int o = fl.orderOf(p);
            fl.delFromFreeList(p, o, Migratetype.ISOLATE);
            for (long q = p; q < p + (1L << o); q++) {
                fl.setFlags(q, ST_CONTIG, true, 0);
            }
            p += 1L << o;
        }
        return p;
    }
}

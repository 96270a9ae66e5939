package io.jcma.cma.mm.internal;

import java.util.List;

import static io.jcma.cma.mm.internal.PageFlags.ST_MOVABLE;

/**
 * Mirrors mm/migrate.c: migrate_pages() over a list of isolated movable pages and, for each,
 * alloc_migration_target(), the copy of its bytes and the switch of its owner's handle to the
 * new page (what move_to_new_folio() and remove_migration_ptes() achieve for a user mapping).
 * A pinned page cannot move (its reference count says someone holds it: -EAGAIN).
 *
 * <pre>
 *   src page (in the range)      dst page (outside, GFP_MOVABLE on the range's node)
 *   +-------------+   copy       +-------------+
 *   | bytes       | -----------&gt; | bytes       |     region.pfns[index]: src -&gt; dst
 *   | next = rid  |              | next = rid  |     src freed (onto the Isolate list of its
 *   | prev = index|              | prev = index|     pageblock while alloc_contig_range runs)
 *   +-------------+              +-------------+
 * </pre>
 */
final class Migrate {
    /** NR_MAX_MIGRATE_PAGES_RETRY: passes of migrate_pages() over its list. */
    static final int NR_MAX_MIGRATE_PAGES_RETRY = 10;

    /** What one migrate_pages() call did: pages moved, and whether it stopped for want of a target (ENOMEM). */
    record Result(long migrated, boolean noMemory) {
    }

    private final FreeLists fl;
    private final Buddy buddy;
    private final MovableRegions regions;

    Migrate(FreeLists fl, Buddy buddy, MovableRegions regions) {
        this.fl = fl;
        this.buddy = buddy;
        this.regions = regions;
    }

    /**
     * migrate_pages(): up to NR_MAX_MIGRATE_PAGES_RETRY passes, each under the zone lock;
     * migrated or vanished pages leave the list, pinned ones stay (EAGAIN). Stops at the first
     * page with no target page to go to.
     */
    Result migratePages(List<Long> list, int targetGfp) {
        long migrated = 0;
        for (int pass = 0; pass < NR_MAX_MIGRATE_PAGES_RETRY && !list.isEmpty(); pass++) {
            fl.lock.lock();
            try {
                for (int i = 0; i < list.size(); ) {
                    long pfn = list.get(i);
                    if (fl.state(pfn) != ST_MOVABLE) {
                        list.remove(i); // freed by its owner meanwhile
                        continue;
                    }
                    if (regions.ownerOf(pfn).pins > 0) {
                        i++;
                        continue;
                    }
                    if (!migrateOne(pfn, targetGfp)) {
                        return new Result(migrated, true);
                    }
                    migrated++;
                    list.remove(i);
                }
            } finally {
                fl.lock.unlock();
            }
        }
        return new Result(migrated, false);
    }

    /**
     * Moves one movable page: alloc_migration_target(), copy, repoint the handle, free the old
     * page; false when no target page can be had. The caller holds the zone lock.
     */
    boolean migrateOne(long src, int targetGfp) {
        // alloc_migration_target() with mtc.nid = the node of the range being cleared
        FreeArea home = fl.zoneOf(src);
        long dst = buddy.getPageFromFreelist(0, targetGfp, home == null ? buddy.localNid : home.zone.nid());
        if (dst < 0) {
            return false;
        }
        fl.memory.copyPages(src, dst, 1);
        int si = fl.idx(src);
        int di = fl.idx(dst);
        int rid = fl.next[si];
        int index = fl.prev[si];
        fl.markBlock(dst, 0, ST_MOVABLE);
        fl.next[di] = rid;
        fl.prev[di] = index;
        regions.region(rid).pfns[index] = dst;
        buddy.freeBlock(src, 0, false);
        return true;
    }
}

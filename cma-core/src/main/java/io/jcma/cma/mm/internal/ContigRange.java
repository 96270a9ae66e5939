package io.jcma.cma.mm.internal;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.mm.ContigRangeResult;
import io.jcma.cma.mm.Gfp;
import io.jcma.cma.mm.Migratetype;
import io.jcma.cma.mm.Mm;

import java.util.ArrayList;
import java.util.List;

import static io.jcma.cma.mm.internal.PageFlags.ST_CONTIG;

/**
 * Mirrors alloc_contig_range(), __alloc_contig_migrate_range() and free_contig_range() of
 * mm/page_alloc.c (its CONFIG_CONTIG_ALLOC part): how cma_alloc() gets a range of pages that
 * the buddy allocator has lent out, by isolating it ({@link PageIsolation}), migrating what is
 * movable out of it ({@link Compaction}, {@link Migrate}) and taking the free blocks left.
 *
 * <h2>alloc_contig_range(start, end, mt)</h2>
 * <ol>
 *   <li>Mark every pageblock of [start, end), rounded out to pageblocks, MIGRATE_ISOLATE, moving
 *       its free pages to the isolate lists and splitting free blocks that straddle it
 *       (start_isolate_page_range(), set_migratetype_isolate(),
 *       move_freepages_block_isolate()); a block already isolated, or with unmovable pages when
 *       mt is not CMA, fails with EBUSY (has_unmovable_pages()).</li>
 *   <li>Collect up to 32 movable pages at a time from [start, end)
 *       (isolate_migratepages_range()) and migrate each to a page allocated outside
 *       (migrate_pages(), alloc_migration_target()): copy its bytes, repoint its region's
 *       handle, free the old page onto the isolate list. A pinned page fails; migrate_pages()
 *       makes 10 passes and the caller 5 tries before EBUSY
 *       (__alloc_contig_migrate_range()); no memory left is ENOMEM.</li>
 *   <li>Check that [find_large_buddy(start), end) is all free (test_pages_isolated()); if not,
 *       EBUSY. Take those free blocks (isolate_freepages_range()) and free the overshoot on
 *       either side.</li>
 *   <li>Always restore the pageblocks to mt, moving their free pages back and remerging
 *       (undo_isolate_page_range(), unset_migratetype_isolate()).</li>
 * </ol>
 * The zone lock is taken per step, so other allocations go on while it migrates.
 */
final class ContigRange {
    /** The tries of __alloc_contig_migrate_range() before it gives up with EBUSY. */
    static final int CONTIG_MIGRATE_TRIES = 5;

    private final FreeLists fl;
    private final Buddy buddy;
    private final PageIsolation isolation;
    private final Compaction compaction;
    private final Migrate migrate;

    ContigRange(FreeLists fl, Buddy buddy, PageIsolation isolation, Compaction compaction, Migrate migrate) {
        this.fl = fl;
        this.buddy = buddy;
        this.isolation = isolation;
        this.compaction = compaction;
        this.migrate = migrate;
    }

    /** alloc_contig_range(); see the class comment. */
    ContigRangeResult allocContigRange(long start, long end, Migratetype migratetype) {
        if (start >= end || !fl.inRange(start) || !fl.inRange(end - 1) || migratetype == Migratetype.ISOLATE) {
            return ContigRangeResult.failed(Errno.EINVAL);
        }
        long isoStart = Mm.alignDown(start, Mm.PAGEBLOCK_NR_PAGES);
        long isoEnd = Math.min(Mm.alignUp(end, Mm.PAGEBLOCK_NR_PAGES), Mm.alignUp(fl.limit, Mm.PAGEBLOCK_NR_PAGES));
        fl.lock.lock();
        try {
            FreeArea z = fl.zoneOf(start);
            if (z == null || z != fl.zoneOf(end - 1) || !fl.memory.isRam(start, end - start)) {
                return ContigRangeResult.failed(Errno.EINVAL);
            }
            if (!isolation.startIsolatePageRange(isoStart, isoEnd, migratetype)) {
                return ContigRangeResult.failed(Errno.EBUSY);
            }
        } finally {
            fl.lock.unlock();
        }
        ContigRangeResult r;
        try {
            r = migrateRange(start, end);
            if (!(r instanceof ContigRangeResult.Failed f && f.error() == Errno.ENOMEM)) {
                r = takeIsolated(start, end)
                        ? new ContigRangeResult.Taken(r.pagesMigrated(), r.bytesCopied())
                        : new ContigRangeResult.Failed(Errno.EBUSY, r.pagesMigrated(), r.bytesCopied());
            }
        } finally {
            fl.lock.lock();
            try {
                isolation.undoIsolatePageRange(isoStart, isoEnd, migratetype);
            } finally {
                fl.lock.unlock();
            }
        }
        return r;
    }

    /**
     * __alloc_contig_migrate_range(): migrates every movable page out of [start, end); a
     * failure is EBUSY (a page would not move in CONTIG_MIGRATE_TRIES tries) or ENOMEM.
     */
    private ContigRangeResult migrateRange(long start, long end) {
        long pfn = start;
        int tries = 0;
        long migrated = 0;
        List<Long> list = new ArrayList<>();
        Errno ret = null;
        while (pfn < end || !list.isEmpty()) {
            if (list.isEmpty()) {
                pfn = compaction.isolateMigratepagesRange(pfn, end, list);
                tries = 0;
            } else if (++tries == CONTIG_MIGRATE_TRIES) {
                ret = Errno.EBUSY;
                break;
            }
            Migrate.Result r = migrate.migratePages(list, Gfp.MOVABLE);
            migrated += r.migrated();
            if (r.noMemory()) {
                ret = Errno.ENOMEM;
                break;
            }
        }
        long copied = Mm.pfnPhys(migrated);
        return ret == null ? new ContigRangeResult.Taken(migrated, copied)
                : new ContigRangeResult.Failed(ret, migrated, copied);
    }

    /**
     * test_pages_isolated() over [find_large_buddy(start), end), then isolate_freepages_range()
     * and the overshoot on either side freed back; false (EBUSY) when a page is not free.
     */
    private boolean takeIsolated(long start, long end) {
        fl.lock.lock();
        try {
            long outerStart = isolation.findLargeBuddy(start);
            if (!isolation.testPagesIsolated(outerStart, end)) {
                return false;
            }
            long outerEnd = compaction.isolateFreepagesRange(outerStart, end);
            freeAsBlocks(outerStart, start);
            freeAsBlocks(end, outerEnd);
            return true;
        } finally {
            fl.lock.unlock();
        }
    }

    /**
     * free_contig_range(), under the zone lock.
     *
     * @throws IndexOutOfBoundsException if the range is outside the page arrays
     * @throws IllegalStateException     if a page is not allocated by alloc_contig_range()
     */
    void freeContigRange(long pfn, long count) {
        fl.lock.lock();
        try {
            fl.checkRange(pfn, count);
            for (long p = pfn; p < pfn + count; p++) {
                if (fl.state(p) != ST_CONTIG) {
                    throw new IllegalStateException("free_contig_range: pfn=" + p + " is not allocated (double free?)");
                }
            }
            freeAsBlocks(pfn, pfn + count);
        } finally {
            fl.lock.unlock();
        }
    }

    /**
     * Frees [start, end) as the largest aligned blocks that fit, which leaves the same free
     * blocks as free_contig_range()'s page-by-page __free_page() (each page merges with its free
     * buddies up to the same maximal blocks) at a fraction of the cost: 1 KiB of overshoot is a
     * handful of blocks, not a thousand merges.
     */
    private void freeAsBlocks(long start, long end) {
        while (start < end) {
            int o = Math.min(Long.numberOfTrailingZeros(start), 63 - Long.numberOfLeadingZeros(end - start));
            o = Math.min(o, Mm.MAX_PAGE_ORDER);
            buddy.freeBlock(start, o, false);
            start += 1L << o;
        }
    }
}

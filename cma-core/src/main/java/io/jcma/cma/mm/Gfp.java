package io.jcma.cma.mm;

/** GFP flags for {@link PageAllocator#allocPages}: zone modifiers and behaviour bits. */
public final class Gfp {
    private Gfp() {
    }

    /** __GFP_DMA: only ZONE_DMA. */
    public static final int DMA = 0x01;
    /** __GFP_DMA32: ZONE_DMA32 or lower. */
    public static final int DMA32 = 0x04;
    /** __GFP_MOVABLE: the pages may be migrated; they may come from CMA pageblocks. */
    public static final int MOVABLE = 0x08;
    /** __GFP_RECLAIMABLE: slab-like memory that a shrinker can free (MIGRATE_RECLAIMABLE). */
    public static final int RECLAIMABLE = 0x10;
    /** __GFP_NOWARN: no allocation-failure report. */
    public static final int NOWARN = 0x200;
    /** __GFP_ZERO: hand the pages out zeroed. */
    public static final int ZERO = 0x100;
    /** GFP_KERNEL: no zone modifier, unmovable. */
    public static final int KERNEL = 0;

    /** gfp_migratetype(): which free lists the allocation prefers. */
    public static Migratetype migratetype(int gfp) {
        if ((gfp & MOVABLE) != 0) {
            return Migratetype.MOVABLE;
        }
        if ((gfp & RECLAIMABLE) != 0) {
            return Migratetype.RECLAIMABLE;
        }
        return Migratetype.UNMOVABLE;
    }

    /** The highest zone type these flags allow (gfp_zone()). */
    public static ZoneType highestZone(int gfp) {
        if ((gfp & DMA) != 0) {
            return ZoneType.DMA;
        }
        if ((gfp & DMA32) != 0) {
            return ZoneType.DMA32;
        }
        return ZoneType.NORMAL;
    }
}

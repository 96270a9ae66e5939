package io.jcma.cma.mm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded memory-pressure generator: a simulated workload of movable memory (anonymous and
 * page-cache pages) that allocates and frees {@link MovableRegion}s until it holds a given
 * percent of the free memory, CMA included (the buddy allocator lends CMA pageblocks by the
 * kernel's rule), then pins a given percent of its pages the way in-flight I/O pins user pages.
 *
 * <p>The same seed on the same machine gives the same regions at the same pfns. Each page gets
 * 64 bytes of seeded data at its start so that migration that moves the wrong bytes shows up in
 * {@link #verify()}.
 */
public final class MemoryPressure implements AutoCloseable {
    /** Largest region, in pages. */
    static final int MAX_REGION_PAGES = 32;
    private static final int STAMP_BYTES = 64;

    private final List<MovableRegion> regions;
    private final List<Long> checksums;
    private final long pinnedPages;
    private final long pages;

    private MemoryPressure(List<MovableRegion> regions, List<Long> checksums, long pinnedPages) {
        this.regions = regions;
        this.checksums = checksums;
        this.pinnedPages = pinnedPages;
        this.pages = regions.stream().mapToLong(MovableRegion::pages).sum();
    }

    /**
     * Fills {@code percent}% of the allocator's free pages with movable regions of 1 to 32
     * pages, freeing a random live region on about one step in five, then pins whole regions,
     * chosen at random, until {@code pinnedPercent}% of the held pages are pinned.
     *
     * @throws IllegalArgumentException if a percentage is outside 0..100
     */
    public static MemoryPressure fill(MigratingPageAllocator allocator, int percent, int pinnedPercent, long seed) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent: " + percent + " (expected: 0..100)");
        }
        if (pinnedPercent < 0 || pinnedPercent > 100) {
            throw new IllegalArgumentException("pinned percent: " + pinnedPercent + " (expected: 0..100)");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        long target = allocator.freePages() * percent / 100;
        List<MovableRegion> live = new ArrayList<>();
        long held = 0;
        byte[] stamp = new byte[STAMP_BYTES];
        while (held < target) {
            if (!live.isEmpty() && rnd.nextInt(5) == 0) {
                MovableRegion victim = live.remove(rnd.nextInt(live.size()));
                held -= victim.pages();
                victim.free();
                continue;
            }
            long n = Math.min(1 + rnd.nextInt(MAX_REGION_PAGES), target - held);
            var got = allocator.allocMovable(n);
            if (got.isEmpty()) {
                break;
            }
            MovableRegion r = got.get();
            for (long p = 0; p < n; p++) {
                for (int i = 0; i < stamp.length; i++) {
                    stamp[i] = (byte) rnd.nextInt(256);
                }
                r.write(Mm.pfnPhys(p), stamp, 0, stamp.length);
            }
            live.add(r);
            held += n;
        }
        long pinned = 0;
        long wantPinned = held * pinnedPercent / 100;
        List<MovableRegion> order = new ArrayList<>(live);
        Collections.shuffle(order, new java.util.Random(rnd.nextLong()));
        for (MovableRegion r : order) {
            if (pinned >= wantPinned) {
                break;
            }
            r.pin();
            pinned += r.pages();
        }
        List<Long> sums = new ArrayList<>(live.size());
        for (MovableRegion r : live) {
            sums.add(r.checksum());
        }
        return new MemoryPressure(List.copyOf(live), sums, pinned);
    }

    /** The regions held, in allocation order. */
    public List<MovableRegion> regions() {
        return regions;
    }

    /** Pages held. */
    public long pages() {
        return pages;
    }

    /** Pages of pinned regions. */
    public long pinnedPages() {
        return pinnedPages;
    }

    /** The CRC-32C each region had when the fill ended. */
    public long checksumAtFill(int region) {
        return checksums.get(region);
    }

    /**
     * The regions whose bytes no longer match their checksum at fill time (empty when every
     * migrated page kept its contents).
     */
    public List<MovableRegion> verify() {
        List<MovableRegion> bad = new ArrayList<>();
        for (int i = 0; i < regions.size(); i++) {
            MovableRegion r = regions.get(i);
            if (!r.freed() && r.checksum() != checksums.get(i)) {
                bad.add(r);
            }
        }
        return bad;
    }

    /** Unpins and frees every region. */
    @Override
    public void close() {
        for (MovableRegion r : regions) {
            if (r.freed()) {
                continue;
            }
            while (r.pinned()) {
                r.unpin();
            }
            r.free();
        }
    }
}

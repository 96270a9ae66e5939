package io.jcma.cma.mm.internal;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.mm.Gfp;
import io.jcma.cma.mm.Migratetype;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.MovableRegion;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32C;

import static io.jcma.cma.mm.internal.PageFlags.ST_MOVABLE;

/**
 * Mirrors the user side of memory the kernel may migrate: anonymous pages a process holds
 * (faulted in as GFP_HIGHUSER_MOVABLE, on the LRU) and mm/gup.c's pinning of them,
 * pin_user_pages() with FOLL_PIN or FOLL_LONGTERM (check_and_migrate_movable_pages() first moves
 * each page out of CMA and isolated pageblocks) and unpin_user_pages().
 *
 * <pre>
 *   Region id 3                     page arrays (struct page)
 *   +----------------------+        idx of pfn 9000: flags MOVABLE | next = 3 | prev = 1
 *   | pfns[0] = 8192       |        migration copies the page, moves next/prev to the new
 *   | pfns[1] = 9000  ------------&gt; pfn and rewrites pfns[1]: the handle follows the page
 *   | pins = 0             |
 *   +----------------------+
 * </pre>
 * The handle tables are guarded by the zone lock, which migration holds while it moves a page,
 * so every read and write through a region sees its bytes wherever they are.
 */
public final class MovableRegions {
    final FreeLists fl;
    final Buddy buddy;
    final Migrate migrate;
    private final List<Region> regions = new ArrayList<>();
    private final ArrayDeque<Integer> freeRegionIds = new ArrayDeque<>();

    MovableRegions(FreeLists fl, Buddy buddy) {
        this.fl = fl;
        this.buddy = buddy;
        this.migrate = new Migrate(fl, buddy, this);
    }

    /** The region with id {@code id}, or null if it was freed. The caller holds the zone lock. */
    Region region(int id) {
        return regions.get(id);
    }

    /** The region whose page is at {@code pfn} (a movable page). The caller holds the zone lock. */
    Region ownerOf(long pfn) {
        return regions.get(fl.next[fl.idx(pfn)]);
    }

    /** Every region slot, freed ones null: for the invariant checker. The caller holds the zone lock. */
    List<Region> all() {
        return regions;
    }

    /**
     * Allocates a region of {@code pages} order-0 movable pages, zeroed; empty when memory runs
     * out (the pages taken so far are given back).
     *
     * @throws IllegalArgumentException if pages is outside 1..2^31-9
     */
    Optional<MovableRegion> allocMovable(long pages) {
        if (pages <= 0 || pages > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("pages: " + pages + " (expected: 1.." + (Integer.MAX_VALUE - 8) + ")");
        }
        long[] pfns = new long[(int) pages];
        Region r;
        fl.lock.lock();
        try {
            for (int i = 0; i < pfns.length; i++) {
                long pfn = buddy.getPageFromFreelist(0, Gfp.MOVABLE);
                if (pfn < 0) {
                    for (int j = 0; j < i; j++) {
                        buddy.freeBlock(pfns[j], 0, false);
                    }
                    return Optional.empty();
                }
                pfns[i] = pfn;
            }
            int id = freeRegionIds.isEmpty() ? regions.size() : freeRegionIds.pop();
            r = new Region(this, id, pfns);
            if (id == regions.size()) {
                regions.add(r);
            } else {
                regions.set(id, r);
            }
            for (int i = 0; i < pfns.length; i++) {
                fl.markBlock(pfns[i], 0, ST_MOVABLE);
                fl.next[fl.idx(pfns[i])] = id;
                fl.prev[fl.idx(pfns[i])] = i;
            }
            // Anonymous memory reads as zero; no one can migrate a page we hold the lock over.
            for (long pfn : pfns) {
                fl.memory.segment(pfn, 1).fill((byte) 0);
            }
        } finally {
            fl.lock.unlock();
        }
        return Optional.of(r);
    }

    /** A movable region: the handle-&gt;pfn table that migration rewrites under the zone lock. */
    public static final class Region implements MovableRegion {
        private final MovableRegions a;
        final int id;
        final long[] pfns;
        int pins;
        boolean freed;

        Region(MovableRegions a, int id, long[] pfns) {
            this.a = a;
            this.id = id;
            this.pfns = pfns;
        }

        @Override
        public long pages() {
            return pfns.length;
        }

        private void checkLive() {
            if (freed) {
                throw new IllegalStateException("movable region " + id + " was freed");
            }
        }

        @Override
        public long pfn(long index) {
            a.fl.lock.lock();
            try {
                checkLive();
                if (index < 0 || index >= pfns.length) {
                    throw new IndexOutOfBoundsException("index: " + index + " (expected: 0.." + (pfns.length - 1) + ")");
                }
                return pfns[(int) index];
            } finally {
                a.fl.lock.unlock();
            }
        }

        private void checkBytes(long offset, long length) {
            if (offset < 0 || length < 0 || offset + length > byteSize()) {
                throw new IndexOutOfBoundsException("offset: " + offset + " length: " + length
                        + " (expected: within " + byteSize() + " bytes)");
            }
        }

        @Override
        public void read(long offset, byte[] dst, int dstOffset, int length) {
            Objects.checkFromIndexSize(dstOffset, length, dst.length);
            copy(offset, dst, dstOffset, length, false);
        }

        @Override
        public void write(long offset, byte[] src, int srcOffset, int length) {
            Objects.checkFromIndexSize(srcOffset, length, src.length);
            copy(offset, src, srcOffset, length, true);
        }

        private void copy(long offset, byte[] arr, int arrOffset, int length, boolean toRegion) {
            a.fl.lock.lock();
            try {
                checkLive();
                checkBytes(offset, length);
                int done = 0;
                while (done < length) {
                    long off = offset + done;
                    int page = (int) (off >>> Mm.PAGE_SHIFT);
                    int inPage = (int) (off & (Mm.PAGE_SIZE - 1));
                    int n = (int) Math.min(length - done, Mm.PAGE_SIZE - inPage);
                    MemorySegment seg = a.fl.memory.segment(pfns[page], 1);
                    if (toRegion) {
                        MemorySegment.copy(arr, arrOffset + done, seg, ValueLayout.JAVA_BYTE, inPage, n);
                    } else {
                        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, inPage, arr, arrOffset + done, n);
                    }
                    done += n;
                }
            } finally {
                a.fl.lock.unlock();
            }
        }

        @Override
        public void putLong(long offset, long value) {
            byte[] b = new byte[Long.BYTES];
            for (int i = 0; i < Long.BYTES; i++) {
                b[i] = (byte) (value >>> (8 * i));
            }
            write(offset, b, 0, b.length);
        }

        @Override
        public long getLong(long offset) {
            byte[] b = new byte[Long.BYTES];
            read(offset, b, 0, b.length);
            long v = 0;
            for (int i = Long.BYTES - 1; i >= 0; i--) {
                v = (v << 8) | (b[i] & 0xff);
            }
            return v;
        }

        @Override
        public long checksum() {
            a.fl.lock.lock();
            try {
                checkLive();
                CRC32C crc = new CRC32C();
                for (long pfn : pfns) {
                    crc.update(a.fl.memory.segment(pfn, 1).asByteBuffer());
                }
                return crc.getValue();
            } finally {
                a.fl.lock.unlock();
            }
        }

        @Override
        public void pin() {
            a.fl.lock.lock();
            try {
                checkLive();
                pins++;
            } finally {
                a.fl.lock.unlock();
            }
        }

        @Override
        public void pinLongterm() {
            a.fl.lock.lock();
            try {
                checkLive();
                for (int i = 0; i < pfns.length; i++) {
                    Migratetype mt = a.fl.pageblocks.get(pfns[i]);
                    if (mt != Migratetype.CMA && mt != Migratetype.ISOLATE) {
                        continue;
                    }
                    if (pins > 0) {
                        throw new ErrnoException(Errno.ENOMEM, "pin_user_pages(FOLL_LONGTERM): region " + id
                                + " page " + i + " at pfn " + pfns[i] + " is in " + mt.kernelName()
                                + " and already pinned: cannot migrate it");
                    }
                    long from = pfns[i];
                    if (!a.migrate.migrateOne(from, Gfp.KERNEL)) {
                        throw new ErrnoException(Errno.ENOMEM, "pin_user_pages(FOLL_LONGTERM): region " + id
                                + " page " + i + " at pfn " + from + ": no memory outside CMA to migrate it to");
                    }
                }
                pins++;
            } finally {
                a.fl.lock.unlock();
            }
        }

        @Override
        public void unpin() {
            a.fl.lock.lock();
            try {
                checkLive();
                if (pins == 0) {
                    throw new IllegalStateException("unpin_user_pages: region " + id + " is not pinned");
                }
                pins--;
            } finally {
                a.fl.lock.unlock();
            }
        }

        @Override
        public boolean pinned() {
            a.fl.lock.lock();
            try {
                return pins > 0;
            } finally {
                a.fl.lock.unlock();
            }
        }

        @Override
        public void free() {
            a.fl.lock.lock();
            try {
                checkLive();
                if (pins > 0) {
                    throw new IllegalStateException("free: movable region " + id + " is pinned (" + pins + " pins)");
                }
                for (long pfn : pfns) {
                    a.buddy.freeBlock(pfn, 0, false);
                }
                freed = true;
                a.regions.set(id, null);
                a.freeRegionIds.push(id);
            } finally {
                a.fl.lock.unlock();
            }
        }

        @Override
        public boolean freed() {
            a.fl.lock.lock();
            try {
                return freed;
            } finally {
                a.fl.lock.unlock();
            }
        }

        @Override
        public String toString() {
            return "MovableRegion[id=" + id + ", pages=" + pfns.length + ", pins=" + pins + ", freed=" + freed + "]";
        }
    }
}

package io.jcma.bench;

import io.jcma.cma.Cma;
import io.jcma.cma.CmaAllocation;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import io.jcma.cma.internal.Bitmap;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 1: cma_alloc + cma_release of 1..4096 pages in a fragmented steady state, against
 * {@link PlainCma}, the kernel's bitmap search written bit by bit. Both start from the same
 * seeded rolling window of live allocations (about half the area, in pieces of 1..2048 pages);
 * each invocation allocates {@code pages} with the alignment dma_alloc_contiguous() would ask
 * (min(order, 8)) and releases them, so the state stays the same.
 *
 * <p>{@code jcma} is the whole cma_alloc + cma_release: the bitmap, then alloc_contig_range on
 * the buddy allocator (pageblock isolation, taking the pages off the free lists, merging them
 * back on release), counters and events. {@code jcmaBitmap} is only jcma's bitmap search and
 * marking (the same work as the peer), against {@code plainBitmap}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class CmaAllocBench {
    static final long AREA_PAGES = 65536; // 256 MiB
    static final long SEED = 42;

    @Param({"1", "16", "256", "4096"})
    public int pages;

    static int align(int pages) {
        int order = 64 - Long.numberOfLeadingZeros(Math.max(1, pages) - 1L);
        return Math.min(order, 8);
    }

    /** Fills a window the same way for both sides: returns the sizes and release order. */
    interface Side {
        long alloc(int count, int align);

        void release(long pfn, int count);
    }

    static void fragment(Side side) {
        Random rnd = new Random(SEED);
        ArrayDeque<long[]> window = new ArrayDeque<>();
        long used = 0;
        for (int step = 0; step < 4000; step++) {
            int n = 1 + rnd.nextInt(2048);
            long pfn = side.alloc(n, align(n));
            if (pfn >= 0) {
                window.add(new long[] {pfn, n});
                used += n;
            }
            while (used > AREA_PAGES / 2 || (!window.isEmpty() && rnd.nextInt(4) == 0)) {
                long[] old = window.poll();
                side.release(old[0], (int) old[1]);
                used -= old[1];
            }
        }
    }

    @State(Scope.Thread)
    public static class JcmaState {
        Machine machine;
        Cma area;

        @Setup(Level.Trial)
        public void setup() {
            machine = Machine.boot(Platform.builder().mem(1L << 30).cmdline("cma=256M").build());
            area = machine.defaultArea().orElseThrow();
            fragment(new Side() {
                @Override
                public long alloc(int count, int align) {
                    return area.alloc(count, align, true).map(CmaAllocation::pfn).orElse(-1L);
                }

                @Override
                public void release(long pfn, int count) {
                    area.release(pfn, count);
                }
            });
        }

        @TearDown(Level.Trial)
        public void close() {
            machine.close();
        }
    }

    @State(Scope.Thread)
    public static class PlainState {
        PlainCma plain;

        @Setup(Level.Trial)
        public void setup() {
            plain = new PlainCma(BASE_PFN, AREA_PAGES);
            fragment(new Side() {
                @Override
                public long alloc(int count, int align) {
                    return plain.alloc(count, align);
                }

                @Override
                public void release(long pfn, int count) {
                    plain.release(pfn, count);
                }
            });
        }
    }

    @State(Scope.Thread)
    public static class BitmapState {
        Bitmap bitmap;

        @Setup(Level.Trial)
        public void setup() {
            bitmap = new Bitmap(AREA_PAGES);
            fragment(new Side() {
                @Override
                public long alloc(int count, int align) {
                    return bitmapAlloc(bitmap, count, align);
                }

                @Override
                public void release(long pfn, int count) {
                    bitmap.clear(pfn - BASE_PFN, count);
                }
            });
        }
    }

    static final long BASE_PFN = 0x30000;

    /** jcma's search: bitmap_find_next_zero_area_off() over words, then bitmap_set(). */
    static long bitmapAlloc(Bitmap bitmap, int count, int align) {
        long mask = (1L << align) - 1;
        long offset = BASE_PFN & mask;
        long no = bitmap.findNextZeroAreaOff(AREA_PAGES, 0, count, mask, offset);
        if (no >= AREA_PAGES) {
            return -1;
        }
        bitmap.set(no, count);
        return BASE_PFN + no;
    }

    /** Failed allocations, so that a fast failure is never mistaken for a fast allocation. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Failures {
        public long failures;
    }

    @Benchmark
    public long jcma(JcmaState s, Failures f) {
        Optional<CmaAllocation> a = s.area.alloc(pages, align(pages), true);
        if (a.isEmpty()) {
            f.failures++;
            return -1;
        }
        s.area.release(a.get());
        return a.get().pfn();
    }

    @Benchmark
    public long jcmaBitmap(BitmapState s, Failures f) {
        long pfn = bitmapAlloc(s.bitmap, pages, align(pages));
        if (pfn < 0) {
            f.failures++;
            return -1;
        }
        s.bitmap.clear(pfn - BASE_PFN, pages);
        return pfn;
    }

    @Benchmark
    public long plainBitmap(PlainState s, Failures f) {
        return plain(s, f);
    }

    @Benchmark
    public long plain(PlainState s, Failures f) {
        long pfn = s.plain.alloc(pages, align(pages));
        if (pfn < 0) {
            f.failures++;
            return -1;
        }
        s.plain.release(pfn, pages);
        return pfn;
    }
}

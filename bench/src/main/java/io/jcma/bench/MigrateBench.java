package io.jcma.bench;

import io.jcma.cma.Cma;
import io.jcma.cma.CmaAllocation;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import io.jcma.cma.mm.MovableRegion;
import io.jcma.cma.mm.MigratingPageAllocator;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 3: cma_alloc of 8 MiB (2048 pages) whose every page is lent to movable memory, so
 * alloc_contig_range migrates all of them out (isolate, copy each page's bytes elsewhere, update
 * the owner, take the range), beside MemorySegment.copy of the same 8 MiB between two parts of
 * simulated RAM, the physical limit of migration. Before each invocation the area is refilled
 * with movable pages (the kernel's rule lends CMA first on this small machine) and some room is
 * made outside it; {@code migrated} counts the pages actually moved.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class MigrateBench {
    static final int PAGES = 2048;

    Machine machine;
    Cma area;
    MigratingPageAllocator pages;
    final List<MovableRegion> regions = new ArrayList<>();
    CmaAllocation taken;
    MemorySegment copySrc;
    MemorySegment copyDst;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Migrated {
        public long migrated;
    }

    @Setup(Level.Trial)
    public void boot() {
        machine = Machine.boot(Platform.builder().mem(96L << 20).cmdline("cma=32M").build());
        area = machine.defaultArea().orElseThrow();
        pages = machine.migratingPageAllocator().orElseThrow();
        copySrc = area.segment(area.basePfn(), PAGES);
        copyDst = machine.memory().segment(area.basePfn() - 4 * PAGES, PAGES);
    }

    @Setup(Level.Invocation)
    public void lend() {
        while (pages.freeCmaPages() > 0) {
            var r = pages.allocMovable(16);
            if (r.isEmpty()) {
                break;
            }
            regions.add(r.get());
        }
        // room outside the area for the pages to move to
        long room = 0;
        for (var it = regions.iterator(); it.hasNext() && room < 2 * PAGES; ) {
            MovableRegion r = it.next();
            boolean outside = true;
            for (long i = 0; i < r.pages() && outside; i++) {
                outside = !area.pagesValid(r.pfn(i), 1);
            }
            if (outside) {
                room += r.pages();
                r.free();
                it.remove();
            }
        }
    }

    @TearDown(Level.Invocation)
    public void giveBack() {
        if (taken != null) {
            area.release(taken);
            taken = null;
        }
        regions.forEach(MovableRegion::free);
        regions.clear();
    }

    @TearDown(Level.Trial)
    public void close() {
        machine.close();
    }

    @Benchmark
    public long jcma(Migrated m) {
        taken = area.alloc(PAGES, 0, false).orElseThrow();
        m.migrated += taken.cost().pagesMigrated();
        return taken.pfn();
    }

    @Benchmark
    public long copy() {
        MemorySegment.copy(copySrc, 0, copyDst, 0, copySrc.byteSize());
        return copyDst.address();
    }
}

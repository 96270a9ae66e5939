package io.jcma.cma;

import io.jcma.cma.kernel.KernelLog;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.mm.ContigRangeResult;
import io.jcma.cma.mm.Memblock;
import io.jcma.cma.mm.MemoryBacking;
import io.jcma.cma.mm.MemoryBank;
import io.jcma.cma.mm.Migratetype;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.PageAllocator;
import io.jcma.cma.mm.Pageblocks;
import io.jcma.cma.mm.PhysicalMemory;
import io.jcma.cma.mm.Zone;
import io.jcma.cma.mm.ZoneLayout;

import java.util.List;
import java.util.function.LongPredicate;

/** Small machines assembled by hand, so a test controls each stage of boot. */
final class TestMachines {
    private TestMachines() {
    }

    static final long MiB = Mm.SZ_1M;
    static final long GiB = 1L << 30;

    /** Early boot: memblock with one bank [0, ramBytes) on node 0, and a registry. */
    record Early(Memblock memblock, KernelLog log, CmaAreas areas) {
        /** Runs activation with the simple allocator, optionally wrapped. */
        Active activate(java.util.function.UnaryOperator<PageAllocator> wrap) {
            return activate(false, wrap);
        }

        /** Activation on the buddy allocator (the machine's default) or the simple one. */
        Active activate(boolean buddy, java.util.function.UnaryOperator<PageAllocator> wrap) {
            List<MemoryBank> banks = memblock.memory().stream()
                    .map(r -> new MemoryBank(Mm.pfnDown(r.base()), Mm.pfnDown(r.size()), r.nid())).toList();
            PhysicalMemory mem = PhysicalMemory.of(banks, MemoryBacking.sparseFile());
            List<Zone> zones = ZoneLayout.X86_64.zones(banks);
            Pageblocks pb = Pageblocks.create(mem.startPfn(), mem.endPfn());
            PageAllocator pa = wrap.apply(buddy ? PageAllocator.buddy(mem, zones, pb) : PageAllocator.simple(mem, zones, pb));
            pa.freeMemblockMemory(memblock);
            areas.initReservedAreas(mem, zones, pa);
            return new Active(this, mem, pa, pb);
        }

        Active activate() {
            return activate(p -> p);
        }
    }

    record Active(Early early, PhysicalMemory memory, PageAllocator pages, Pageblocks pageblocks)
            implements AutoCloseable {
        @Override
        public void close() {
            memory.close();
        }
    }

    static Early early(long ramBytes) {
        Memblock mb = Memblock.create();
        mb.add(0, ramBytes, 0);
        KernelLog log = KernelLog.create();
        return new Early(mb, log, CmaAreas.create(mb, log));
    }

    /** A page allocator that answers EBUSY (or another errno) for ranges holding a chosen pfn. */
    static PageAllocator failing(PageAllocator inner, LongPredicate busyPfn, Errno errno) {
        return new PageAllocator() {
            @Override
            public void freeMemblockMemory(Memblock memblock) {
                inner.freeMemblockMemory(memblock);
            }

            @Override
            public void freeReservedPages(long pfn, long count) {
                inner.freeReservedPages(pfn, count);
            }

            @Override
            public void initCmaReservedPageblock(long pfn) {
                inner.initCmaReservedPageblock(pfn);
            }

            @Override
            public ContigRangeResult allocContigRange(long start, long end, Migratetype mt, boolean noWarn) {
                for (long p = start; p < end; p++) {
                    if (busyPfn.test(p)) {
                        return ContigRangeResult.failed(errno);
                    }
                }
                return inner.allocContigRange(start, end, mt, noWarn);
            }

            @Override
            public void freeContigRange(long pfn, long count) {
                inner.freeContigRange(pfn, count);
            }

            @Override
            public long allocPages(int order, int gfp) {
                return inner.allocPages(order, gfp);
            }

            @Override
            public void freePages(long pfn, int order) {
                inner.freePages(pfn, order);
            }

            @Override
            public long managedPages() {
                return inner.managedPages();
            }

            @Override
            public long freePages() {
                return inner.freePages();
            }

            @Override
            public long freeCmaPages() {
                return inner.freeCmaPages();
            }
        };
    }
}

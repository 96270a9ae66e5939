package io.jcma.cma.boot;

import io.jcma.cma.fdt.Fdt;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.PageAllocator;

import java.util.ArrayList;
import java.util.List;

/**
 * What a simulated machine is made of, before it boots: RAM ranges (with NUMA nodes), early
 * reservations (kernel image, initrd, firmware tables), the kernel command line, the
 * architecture and the memory backing. Build one with {@link #builder()}.
 *
 * <p>A platform can carry a flattened device tree ({@link Builder#deviceTree}). The boot then
 * takes from it what the platform does not say itself: RAM from its memory nodes when
 * {@link #memory()} is empty, the command line from /chosen bootargs when {@link #cmdline()}
 * is empty, the DMA limit from dma-ranges when {@link #dmaLimit()} is 0; and always its
 * /memreserve/ entries, reserved-memory regions and device nodes. Its architecture defaults to
 * arm64.
 *
 * @param backing a {@code --backing} spec: "sparse-file" (default) or a provider's, e.g.
 *                "hugepages:2M:64"
 * @param dmaLimit the smallest DMA limit the firmware describes (DT dma-ranges), 0 for none
 * @param deviceTree the flattened device tree the machine boots from, or null
 * @param pageAllocator makes the machine's page allocator: {@code PageAllocator::buddy} (the
 *                      default, which lends CMA pages to movable memory and migrates them back)
 *                      or {@code PageAllocator::simple}
 */
public record Platform(List<MemRange> memory, List<MemRange> reservations, String cmdline, Arch arch,
                       String backing, long dmaLimit, Fdt deviceTree, PageAllocator.Factory pageAllocator) {
    /** The page allocator of a platform that names none: the buddy allocator. */
    public static final PageAllocator.Factory DEFAULT_PAGE_ALLOCATOR = PageAllocator::buddy;

    public Platform {
        memory = List.copyOf(memory);
        reservations = List.copyOf(reservations);
        cmdline = cmdline == null ? "" : cmdline;
        backing = backing == null ? "sparse-file" : backing;
        arch = arch == null ? (deviceTree != null ? Arch.ARM64 : Arch.X86_64) : arch;
        pageAllocator = pageAllocator == null ? DEFAULT_PAGE_ALLOCATOR : pageAllocator;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.memory.addAll(memory);
        b.reservations.addAll(reservations);
        b.cmdline = cmdline;
        b.arch = arch;
        b.backing = backing;
        b.dmaLimit = dmaLimit;
        b.deviceTree = deviceTree;
        b.pageAllocator = pageAllocator;
        return b;
    }

    public static final class Builder {
        private final List<MemRange> memory = new ArrayList<>();
        private final List<MemRange> reservations = new ArrayList<>();
        private String cmdline = "";
        private Arch arch;
        private String backing = "sparse-file";
        private long dmaLimit;
        private Fdt deviceTree;
        private PageAllocator.Factory pageAllocator = DEFAULT_PAGE_ALLOCATOR;

        private Builder() {
        }

        /** One RAM bank from 0 on node 0 ({@code --mem}). */
        public Builder mem(long bytes) {
            if (bytes < Mm.PAGE_SIZE) {
                throw new IllegalArgumentException("mem: " + bytes + " (expected: at least one page)");
            }
            memory.add(new MemRange(0, bytes, 0));
            return this;
        }

        public Builder memory(MemRange r) {
            memory.add(r);
            return this;
        }

        public Builder reserve(MemRange r) {
            reservations.add(r);
            return this;
        }

        public Builder cmdline(String c) {
            cmdline = c;
            return this;
        }

        /** The architecture; null for the default (arm64 with a device tree, else x86_64). */
        public Builder arch(Arch a) {
            arch = a;
            return this;
        }

        public Builder backing(String spec) {
            backing = spec;
            return this;
        }

        public Builder dmaLimit(long limit) {
            dmaLimit = limit;
            return this;
        }

        /** Boots from {@code fdt} (arm64 unless {@link #arch} says otherwise). */
        public Builder deviceTree(Fdt fdt) {
            deviceTree = fdt;
            return this;
        }

        /**
         * The page allocator the machine runs: {@code PageAllocator::buddy} (the default) or
         * {@code PageAllocator::simple} (CMA without lending or migration); null for the default.
         */
        public Builder pageAllocator(PageAllocator.Factory factory) {
            pageAllocator = factory;
            return this;
        }

        /** Whether RAM was given ({@link #mem} or {@link #memory}). */
        public boolean hasMemory() {
            return !memory.isEmpty();
        }

        public Platform build() {
            return new Platform(memory, reservations, cmdline, arch, backing, dmaLimit, deviceTree, pageAllocator);
        }
    }
}

package io.jcma.cma.boot;

import io.jcma.cma.mm.Mm;

import java.util.ArrayList;
import java.util.List;

/**
 * What a simulated machine is made of, before it boots: RAM ranges (with NUMA nodes), early
 * reservations (kernel image, initrd, firmware tables), the kernel command line, the
 * architecture and the memory backing. Build one with {@link #builder()}.
 *
 * @param backing a {@code --backing} spec: "sparse-file" (default) or a provider's, e.g.
 *                "hugepages:2M:64"
 * @param dmaLimit the smallest DMA limit the firmware describes (DT dma-ranges), 0 for none
 */
public record Platform(List<MemRange> memory, List<MemRange> reservations, String cmdline, Arch arch,
                       String backing, long dmaLimit) {
    public Platform {
        memory = List.copyOf(memory);
        reservations = List.copyOf(reservations);
        cmdline = cmdline == null ? "" : cmdline;
        backing = backing == null ? "sparse-file" : backing;
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
        return b;
    }

    public static final class Builder {
        private final List<MemRange> memory = new ArrayList<>();
        private final List<MemRange> reservations = new ArrayList<>();
        private String cmdline = "";
        private Arch arch = Arch.X86_64;
        private String backing = "sparse-file";
        private long dmaLimit;

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

        public Platform build() {
            return new Platform(memory, reservations, cmdline, arch, backing, dmaLimit);
        }
    }
}

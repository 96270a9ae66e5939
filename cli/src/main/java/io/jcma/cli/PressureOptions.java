package io.jcma.cli;

import io.jcma.cma.boot.Machine;
import io.jcma.cma.mm.MemoryPressure;
import picocli.CommandLine.Option;

/** {@code --pressure}: fills memory with seeded movable allocations after boot, before the commands run. */
public final class PressureOptions {
    @Option(names = "--pressure", paramLabel = "PERCENT[:PINNED_PERCENT]",
            description = "After boot, fill PERCENT%% of free memory (CMA included, by the kernel's lending rule) with "
                    + "movable pages, allocated and freed at random, and pin PINNED_PERCENT%% of them (default 0).")
    String pressure;

    @Option(names = "--pressure-seed", paramLabel = "SEED", defaultValue = "1",
            description = "Seed of the pressure generator (default: ${DEFAULT-VALUE}).")
    long seed;

    /** The percentages {@code --pressure} gives: {percent, pinnedPercent}, or null when absent. */
    int[] parse() {
        if (pressure == null) {
            return null;
        }
        String[] parts = pressure.split(":", -1);
        if (parts.length > 2) {
            throw bad();
        }
        int percent = percent(parts[0]);
        int pinned = parts.length == 2 ? percent(parts[1]) : 0;
        return new int[] {percent, pinned};
    }

    private int percent(String s) {
        try {
            int v = Integer.parseInt(s.strip());
            if (v < 0 || v > 100) {
                throw bad();
            }
            return v;
        } catch (NumberFormatException e) {
            throw bad();
        }
    }

    private IllegalArgumentException bad() {
        return new IllegalArgumentException("--pressure: '" + pressure
                + "' (expected: PERCENT[:PINNED_PERCENT], each 0..100, e.g. 75 or 80:1)");
    }

    /** Applies the pressure to a booted machine; null when {@code --pressure} was not given. */
    MemoryPressure apply(Machine m) {
        int[] p = parse();
        if (p == null) {
            return null;
        }
        return MemoryPressure.fill(m.migratingPageAllocator().orElseThrow(), p[0], p[1], seed);
    }
}

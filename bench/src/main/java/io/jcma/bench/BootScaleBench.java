package io.jcma.bench;

import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 5: booting a 64 GiB machine with a 16 GiB CMA area (memblock, the area, the page
 * allocator taking all free memory, activation) and closing it, against the least any sparse
 * simulation pays: mapping a 64 GiB sparse tmpfs file and unmapping it. The resident memory
 * of the process right after boot is reported as {@code rssMiB}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class BootScaleBench {
    static final long RAM = 64L << 30;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Rss {
        public long rssMiB;

        @Setup(Level.Iteration)
        public void reset() {
            rssMiB = 0;
        }
    }

    static long rssMiB() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) >> 10;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return -1;
    }

    @Benchmark
    public long jcma(Rss rss) {
        try (Machine m = Machine.boot(Platform.builder().mem(RAM).cmdline("cma=16G").build())) {
            rss.rssMiB = rssMiB();
            return m.defaultArea().orElseThrow().count();
        }
    }

    @Benchmark
    public long sparse(Rss rss) throws IOException {
        Path f = Files.createTempFile(Path.of("/dev/shm"), "jcma-bench", ".ram");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE);
             Arena arena = Arena.ofShared()) {
            Files.delete(f);
            long size = ch.map(FileChannel.MapMode.READ_WRITE, 0, RAM, arena).byteSize();
            rss.rssMiB = rssMiB();
            return size;
        }
    }
}

package io.jcma.bench;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.jcma.shim.Pagemap;
import io.jcma.shim.internal.Libc;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 4: the native shim's cost against JNA doing the same work.
 * <ul>
 *   <li>{@code jcmaCall} vs {@code jnaCall} / {@code jnaDirectCall}: one sysconf(_SC_PAGESIZE)
 *       downcall through the shim's FFM binding (errno captured) and through JNA, interface-mapped
 *       and direct-mapped.</li>
 *   <li>{@code jcmaTranslate} vs {@code jnaTranslate}: translating 16384 touched pages (64 MiB)
 *       to PFNs through /proc/self/pagemap: the shim's batched reader against JNA open/pread with
 *       the same batch. Pages per second = 16384 / time. PFNs are real as root, 0 otherwise; the
 *       cost is the same.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NativeCallBench {
    static final int SC_PAGESIZE = 30;
    static final int PAGES = 16384;
    static final int O_RDONLY = 0;

    /** JNA, interface-mapped: what most JNA users write. */
    public interface CLib extends Library {
        CLib INSTANCE = Native.load("c", CLib.class);

        long sysconf(int name);

        int open(String path, int flags);

        long pread(int fd, Pointer buf, long count, long offset);

        int close(int fd);
    }

    /** JNA, direct-mapped: JNA's fastest path. */
    public static final class Direct {
        static {
            Native.register("c");
        }

        private Direct() {
        }

        public static native long sysconf(int name);
    }

    @State(Scope.Thread)
    public static class Pages {
        Arena arena;
        MemorySegment seg;
        Pagemap pagemap;
        int fd;
        Memory buf;

        @Setup(Level.Trial)
        public void setup() {
            arena = Arena.ofShared();
            seg = arena.allocate((long) PAGES * 4096, 4096);
            seg.fill((byte) 1);
            pagemap = Pagemap.openSelf();
            fd = CLib.INSTANCE.open("/proc/self/pagemap", O_RDONLY);
            if (fd < 0) {
                throw new IllegalStateException("open /proc/self/pagemap failed");
            }
            buf = new Memory((long) PAGES * 8);
        }

        @TearDown(Level.Trial)
        public void close() {
            pagemap.close();
            CLib.INSTANCE.close(fd);
            arena.close();
        }
    }

    @Benchmark
    public long jcmaCall() {
        return Libc.sysconf(SC_PAGESIZE);
    }

    @Benchmark
    public long jnaCall() {
        return CLib.INSTANCE.sysconf(SC_PAGESIZE);
    }

    @Benchmark
    public long jnaDirectCall() {
        return Direct.sysconf(SC_PAGESIZE);
    }

    @Benchmark
    public long jcmaTranslate(Pages p) {
        long[] pfns = p.pagemap.translate(p.seg);
        return pfns[pfns.length - 1];
    }

    @Benchmark
    public long jnaTranslate(Pages p) {
        long va = p.seg.address();
        long n = p.buf.size();
        long got = CLib.INSTANCE.pread(p.fd, p.buf, n, (va / 4096) * 8);
        if (got != n) {
            throw new IllegalStateException("short pagemap read: " + got);
        }
        long last = 0;
        for (int i = 0; i < PAGES; i++) {
            long e = p.buf.getLong((long) i * 8);
            if (e >= 0) {
                throw new IllegalStateException("page " + i + " not present");
            }
            last = e & Pagemap.PFN_MASK;
        }
        return last;
    }
}

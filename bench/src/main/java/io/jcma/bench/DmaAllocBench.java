package io.jcma.bench;

import io.jcma.cma.boot.Platform;
import io.jcma.dma.Device;
import io.jcma.dma.Dma;
import io.jcma.dma.DmaBuffer;
import io.jcma.dma.DmaOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * Benchmarks 2 and 6: dma_alloc_coherent + dma_free_coherent (zeroed, as the kernel hands it
 * out; DMA-API debug off) on a 1 GiB machine with a 256 MiB CMA area, beside
 * Arena.ofConfined().allocate(size, 4096) + close, Netty's pooled direct buffers zeroed the same
 * way, and MemorySegment.fill of the same number of bytes of simulated RAM (the floor for
 * anything that hands out zeroed memory from this backing: tmpfs pages mapped 4 KiB at a time,
 * where Arena's anonymous memory may get transparent hugepages). The {@code ...Write} variants also write every byte, as a driver filling a buffer
 * does. 4 KiB comes from the page allocator, larger sizes from CMA.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class DmaAllocBench {
    @Param({"4096", "65536", "1048576", "16777216"})
    public long size;

    Dma dma;
    Device dev;
    MemorySegment fillTarget;
    Arena fillArena;
    final PooledByteBufAllocator netty = PooledByteBufAllocator.DEFAULT;

    @Setup(Level.Trial)
    public void setup() {
        dma = Dma.boot(Platform.builder().mem(1L << 30).cmdline("cma=256M").build(), DmaOptions.defaults().withDebug(false));
        dev = dma.newDevice("bench0").driver("bench").build();
        dma.setMaskAndCoherent(dev, Dma.bitMask(64));
        fillArena = Arena.ofShared();
        // simulated RAM of the same size, held for the trial, so fill writes the same kind of pages
        fillTarget = dma.machine().defaultArea().orElseThrow().alloc(size / 4096, 0, false).orElseThrow().segment();
    }

    @TearDown(Level.Trial)
    public void close() {
        dma.machine().close();
        fillArena.close();
    }

    @Benchmark
    public long jcma() {
        DmaBuffer b = dma.allocCoherent(dev, size).orElseThrow();
        long addr = b.dmaAddress();
        dma.freeCoherent(dev, size, b);
        return addr;
    }

    @Benchmark
    public long arena() {
        try (Arena a = Arena.ofConfined()) {
            return a.allocate(size, 4096).address();
        }
    }

    @Benchmark
    public long netty() {
        ByteBuf b = netty.directBuffer((int) size, (int) size);
        b.setZero(0, (int) size);
        long m = b.memoryAddress();
        b.release();
        return m;
    }

    @Benchmark
    public long fill() {
        fillTarget.fill((byte) 0);
        return fillTarget.address();
    }

    @Benchmark
    public long jcmaWrite() {
        DmaBuffer b = dma.allocCoherent(dev, size).orElseThrow();
        b.cpu().fill((byte) 1);
        long addr = b.dmaAddress();
        dma.freeCoherent(dev, size, b);
        return addr;
    }

    @Benchmark
    public long arenaWrite() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(size, 4096);
            s.fill((byte) 1);
            return s.address();
        }
    }

    @Benchmark
    public long nettyWrite() {
        ByteBuf b = netty.directBuffer((int) size, (int) size);
        b.setZero(0, (int) size);
        MemorySegment.ofBuffer(b.nioBuffer(0, (int) size)).fill((byte) 1);
        long m = b.memoryAddress();
        b.release();
        return m;
    }
}

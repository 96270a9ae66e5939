package io.jcma.cma.mm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

/**
 * What a backing written in Java cannot do itself: map ranges of files one after the other at
 * consecutive virtual addresses, the way vmap() gives scattered pages one kernel address
 * (mmap MAP_SHARED | MAP_FIXED of each range into one reserved address range). cma-core links no
 * native code; the native shim provides this through {@link java.util.ServiceLoader}, and the
 * sparse-file backing uses it when it is there.
 */
public interface VmapProvider {
    /**
     * {@code length} bytes at {@code offset} of {@code file}, a path the provider can open for
     * reading and writing (a /proc/self/fd link of an open, deleted file).
     */
    record FileRange(Path file, long offset, long length) {
    }

    /**
     * Maps the ranges, each page-aligned, at consecutive addresses in {@code arena}'s scope;
     * closing the arena unmaps them. The pages are the files' own: writes through the result are
     * seen by every other shared mapping of them.
     *
     * @throws io.jcma.cma.kernel.ErrnoException with the errno of the mapping that failed
     *                                           (nothing stays mapped)
     */
    MemorySegment map(List<FileRange> ranges, Arena arena);
}

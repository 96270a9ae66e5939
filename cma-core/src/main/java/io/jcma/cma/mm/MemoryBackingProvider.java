package io.jcma.cma.mm;

/**
 * A named way to create a {@link MemoryBacking}, found through {@link java.util.ServiceLoader}
 * so that cma-core never links the modules that implement one (the native shim).
 */
public interface MemoryBackingProvider {
    /** The first word of a {@code --backing} spec this provider answers, e.g. "hugepages". */
    String name();

    /**
     * Creates a backing from the full spec, e.g. "hugepages:2M:64".
     *
     * @throws IllegalArgumentException for a malformed spec, naming the bad part
     */
    MemoryBacking open(String spec);
}

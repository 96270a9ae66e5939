package io.jcma.cma.mm;

import io.jcma.cma.kernel.Errno;

/**
 * The outcome of alloc_contig_range(): {@code error} is null on success, else the errno the
 * kernel returns (EBUSY when a page could not be freed; cma_alloc then tries further on). The
 * cost figures say what migration it took.
 */
public record ContigRangeResult(Errno error, long pagesMigrated, long bytesCopied) {
    public static final ContigRangeResult OK = new ContigRangeResult(null, 0, 0);

    public static ContigRangeResult failed(Errno e) {
        return new ContigRangeResult(e, 0, 0);
    }

    public boolean ok() {
        return error == null;
    }

    /** The kernel's return value: 0 or a negative errno. */
    public int ret() {
        return error == null ? 0 : error.ret();
    }
}

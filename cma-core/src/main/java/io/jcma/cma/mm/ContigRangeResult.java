package io.jcma.cma.mm;

import io.jcma.cma.kernel.Errno;

import java.util.Objects;

/**
 * The outcome of alloc_contig_range() of mm/page_alloc.c: the range {@link Taken}, or
 * {@link Failed} with the errno the kernel returns (EBUSY when a page could not be freed;
 * cma_alloc then tries further on). Either way the cost figures say what migration it took.
 */
public sealed interface ContigRangeResult permits ContigRangeResult.Taken, ContigRangeResult.Failed {
    /** Nothing migrated, every page taken. */
    ContigRangeResult OK = new Taken(0, 0);

    /** A failure that migrated nothing. */
    static ContigRangeResult failed(Errno e) {
        return new Failed(e, 0, 0);
    }

    /** Pages migrated out of the range on the way. */
    long pagesMigrated();

    /** Bytes those migrations copied. */
    long bytesCopied();

    /** The kernel's return value: 0 or a negative errno. */
    int ret();

    /** Every page of the range is the caller's now. */
    record Taken(long pagesMigrated, long bytesCopied) implements ContigRangeResult {
        @Override
        public int ret() {
            return 0;
        }
    }

    /**
     * The range could not be had; nothing of it is the caller's.
     *
     * @param error EBUSY (a page would not move), ENOMEM (no page to migrate to) or EINVAL (a
     *              range outside RAM or across zones)
     */
    record Failed(Errno error, long pagesMigrated, long bytesCopied) implements ContigRangeResult {
        public Failed {
            Objects.requireNonNull(error, "error");
        }

        @Override
        public int ret() {
            return error.ret();
        }
    }
}

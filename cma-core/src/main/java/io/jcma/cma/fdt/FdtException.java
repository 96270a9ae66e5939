package io.jcma.cma.fdt;

import io.jcma.cma.kernel.Errno;

/**
 * A blob that is not a valid flattened device tree. {@link #error()} is libfdt's name for what is
 * wrong, {@link #offset()} the byte offset in the blob where it was found; the message says both
 * and the reason, e.g. {@code "FDT_ERR_TRUNCATED at offset 0x1f4: property len=4096 runs past
 * the structure block end 0x200"}. The kernel refuses such a blob ({@link #errno()} EINVAL).
 */
public final class FdtException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The libfdt error codes (scripts/dtc/libfdt/libfdt.h) a parse can end with. */
    public enum Error {
        FDT_ERR_TRUNCATED,
        FDT_ERR_BADMAGIC,
        FDT_ERR_BADVERSION,
        FDT_ERR_BADSTRUCTURE,
        FDT_ERR_BADOFFSET,
        FDT_ERR_BADPHANDLE,
        FDT_ERR_BADNCELLS,
        FDT_ERR_BADVALUE,
        FDT_ERR_NOTFOUND
    }

    private final Error error;
    private final long offset;

    FdtException(Error error, long offset, String reason) {
        super(error.name() + " at offset 0x" + Long.toHexString(offset) + ": " + reason);
        this.error = error;
        this.offset = offset;
    }

    public Error error() {
        return error;
    }

    /** Byte offset in the blob where the problem was found. */
    public long offset() {
        return offset;
    }

    /** What a kernel function handed this blob would return. */
    public Errno errno() {
        return Errno.EINVAL;
    }
}

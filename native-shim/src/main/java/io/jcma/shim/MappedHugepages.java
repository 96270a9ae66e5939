package io.jcma.shim;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.mm.Mm;
import io.jcma.shim.internal.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.Optional;

/** The one {@link HugepageRegion}: a mapping this object unmaps on close. */
final class MappedHugepages implements HugepageRegion {
    /** x86-64 user space ends at 2^47; nothing larger can be mapped, so refuse it up front. */
    static final long MAX_BYTES = 1L << 47;

    private final Kind kind;
    private final String fallbackReason;
    private final HugepageSize size;
    private final long address;
    private final long bytes;
    private final Arena arena;
    private final MemorySegment segment;
    private final String lockError;
    private volatile String closedBy;

    private MappedHugepages(Kind kind, String fallbackReason, HugepageSize size, long address, long bytes,
                            String lockError) {
        this.kind = kind;
        this.fallbackReason = fallbackReason;
        this.size = size;
        this.address = address;
        this.bytes = bytes;
        this.lockError = lockError;
        this.arena = Arena.ofShared();
        this.segment = Libc.segment(address, bytes, arena);
    }

    static long checkedBytes(HugepageSize size, int count) {
        Objects.requireNonNull(size, "size");
        if (count <= 0) {
            throw new IllegalArgumentException("count: " + count + " (expected: > 0)");
        }
        return checkedBytes(size, count * size.bytes());
    }

    static long checkedBytes(HugepageSize size, long bytes) {
        Objects.requireNonNull(size, "size");
        if (bytes <= 0 || !Mm.isAligned(bytes, size.bytes())) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: positive multiple of " + size.bytes()
                    + ")");
        }
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: <= " + MAX_BYTES
                    + ", the user address space)");
        }
        return bytes;
    }

    static MappedHugepages mapHugetlb(HugepageSize size, long bytes) {
        long addr = Libc.mmap(0, bytes, Libc.PROT_READ | Libc.PROT_WRITE,
                Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_HUGETLB | size.mmapFlag() | Libc.MAP_POPULATE, -1, 0);
        return new MappedHugepages(Kind.HUGETLB, null, size, addr, bytes, lock(addr, bytes));
    }

    static MappedHugepages mapOrTransparent(HugepageSize size, long bytes) {
        return mapOrTransparent(Hugepages.system(), size, bytes);
    }

    /** As {@link HugepageRegion#mapOrTransparent}, deciding from {@code host}'s pools. */
    static MappedHugepages mapOrTransparent(Hugepages host, HugepageSize size, long bytes) {
        String reason;
        if (!host.supports(size)) {
            reason = "no hugetlb pool of " + size + " pages (" + size.sysfsName() + ")";
        } else {
            HugepagePool p = host.pool(size);
            long need = bytes / size.bytes();
            if (p.available() < need) {
                reason = size.sysfsName() + " has " + p.available() + " free pages, " + need + " needed";
            } else {
                try {
                    return mapHugetlb(size, bytes);
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.ENOMEM) {
                        throw e;
                    }
                    reason = "mmap MAP_HUGETLB failed: " + e.reason();
                }
            }
        }
        return mapTransparent(bytes, reason);
    }

    /** Anonymous memory aligned to the PMD size, advised MADV_HUGEPAGE, populated and locked. */
    static MappedHugepages mapTransparent(long bytes, String reason) {
        HugepageSize pmd = HugepageSize.SIZE_2M;
        long len = Mm.alignUp(bytes, pmd.bytes());
        long raw = Libc.mmap(0, len + pmd.bytes(), Libc.PROT_READ | Libc.PROT_WRITE,
                Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
        long addr = Mm.alignUp(raw, pmd.bytes());
        // Trim the slack so the mapping starts and ends on PMD boundaries.
        if (addr > raw) {
            Libc.munmap(raw, addr - raw);
        }
        long tail = raw + len + pmd.bytes() - (addr + len);
        if (tail > 0) {
            Libc.munmap(addr + len, tail);
        }
        String why = reason;
        try {
            try {
                Libc.madvise(addr, len, Libc.MADV_HUGEPAGE);
            } catch (ErrnoException e) {
                // A kernel without CONFIG_TRANSPARENT_HUGEPAGE refuses the advice with EINVAL.
                if (e.errno() != Errno.EINVAL) {
                    throw e;
                }
                why = reason + "; MADV_HUGEPAGE refused, so base pages only";
            }
            Pagemap.touch(addr, len);
        } catch (ErrnoException e) {
            Libc.munmap(addr, len);
            throw e;
        }
        return new MappedHugepages(Kind.TRANSPARENT, why, pmd, addr, len, lock(addr, len));
    }

    private static String lock(long addr, long bytes) {
        try {
            Libc.mlock(addr, bytes);
            return null;
        } catch (ErrnoException e) {
            // Hugetlb pages are never swapped anyway; report the failure instead of failing.
            return e.getMessage();
        }
    }

    @Override
    public Kind kind() {
        return kind;
    }

    @Override
    public Optional<String> fallbackReason() {
        return Optional.ofNullable(fallbackReason);
    }

    @Override
    public HugepageSize pageSize() {
        return size;
    }

    @Override
    public int pages() {
        return (int) (bytes / size.bytes());
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public long address() {
        return address;
    }

    private void ensureOpen() {
        String by = closedBy;
        if (by != null) {
            throw new IllegalStateException("region: " + by + " (expected: open) at address=0x"
                    + Long.toHexString(address));
        }
    }

    @Override
    public MemorySegment segment() {
        ensureOpen();
        return segment;
    }

    @Override
    public MemorySegment page(int i) {
        Objects.checkIndex(i, pages());
        ensureOpen();
        return segment.asSlice(i * size.bytes(), size.bytes());
    }

    @Override
    public boolean locked() {
        return lockError == null;
    }

    @Override
    public Optional<String> lockError() {
        return Optional.ofNullable(lockError);
    }

    @Override
    public boolean isOpen() {
        return closedBy == null;
    }

    @Override
    public long[] headPfns(Pagemap pagemap) {
        ensureOpen();
        long[] heads = new long[pages()];
        for (int i = 0; i < heads.length; i++) {
            long va = address + i * size.bytes();
            Pagemap.touch(va, Mm.PAGE_SIZE);
            heads[i] = pagemap.pfns(va, 1)[0];
        }
        return heads;
    }

    @Override
    public synchronized HugepageRegion remapByPfn(Pagemap pagemap) {
        long[] heads = headPfns(pagemap);
        int[] order = Contiguity.sortedOrder(heads);
        long hp = size.bytes();
        long raw = Libc.mmap(0, bytes + hp, Libc.PROT_NONE,
                Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE, -1, 0);
        long base = Mm.alignUp(raw, hp);
        if (base > raw) {
            Libc.munmap(raw, base - raw);
        }
        long tail = raw + bytes + hp - (base + bytes);
        if (tail > 0) {
            Libc.munmap(base + bytes, tail);
        }
        // From here the pages leave this region's virtual range: kill its segments first.
        closedBy = "moved by remapByPfn";
        arena.close();
        for (int k = 0; k < order.length; k++) {
            long dst = base + k * hp;
            try {
                Libc.mremapFixed(address + order[k] * hp, hp, hp, dst);
            } catch (ErrnoException e) {
                // Half moved: give back the reservation (moved pages included) and, page by page,
                // only what is still here. The moved pages' old addresses are no longer ours.
                Libc.munmap(base, bytes);
                for (int j = k; j < order.length; j++) {
                    Libc.munmap(address + order[j] * hp, hp);
                }
                throw e;
            }
        }
        // mremap already unmapped each old page. Never munmap the old range as a whole: another
        // thread (the JIT's malloc) may have been given part of it since, and would lose it.
        return new MappedHugepages(kind, fallbackReason, size, base, bytes, lockError);
    }

    @Override
    public synchronized void close() {
        ensureOpen();
        closedBy = "already closed";
        arena.close();
        Libc.munmap(address, bytes);
    }

    @Override
    public String toString() {
        return "HugepageRegion[kind=" + kind + ", size=" + size + ", pages=" + pages() + ", address=0x"
                + Long.toHexString(address) + (isOpen() ? "" : ", " + closedBy) + "]";
    }
}

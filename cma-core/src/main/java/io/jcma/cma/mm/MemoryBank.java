package io.jcma.cma.mm;

/**
 * One RAM bank: {@code pages} pages from {@code startPfn} on NUMA node {@code nid}.
 */
public record MemoryBank(long startPfn, long pages, int nid) {
    public MemoryBank {
        if (startPfn < 0) {
            throw new IllegalArgumentException("startPfn: " + startPfn + " (expected: >= 0)");
        }
        if (pages <= 0) {
            throw new IllegalArgumentException("pages: " + pages + " (expected: > 0)");
        }
        if (nid < 0) {
            throw new IllegalArgumentException("nid: " + nid + " (expected: >= 0)");
        }
    }

    public long endPfn() {
        return startPfn + pages;
    }

    public long start() {
        return Mm.pfnPhys(startPfn);
    }

    public long end() {
        return Mm.pfnPhys(endPfn());
    }

    public boolean contains(long pfn) {
        return pfn >= startPfn && pfn < endPfn();
    }
}

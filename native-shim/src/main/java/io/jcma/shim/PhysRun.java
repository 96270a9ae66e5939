package io.jcma.shim;

import io.jcma.cma.mm.Mm;

/**
 * A physically contiguous run of huge pages: {@code pages} huge pages from virtual page
 * {@code firstPage} of a region, whose base pages are the pfns [startPfn, endPfn).
 */
public record PhysRun(int firstPage, int pages, long startPfn, HugepageSize size) {
    public PhysRun {
        if (firstPage < 0 || pages <= 0 || startPfn < 0) {
            throw new IllegalArgumentException("run: firstPage=" + firstPage + " pages=" + pages + " startPfn="
                    + startPfn + " (expected: >= 0, > 0, >= 0)");
        }
    }

    public long basePages() {
        return pages * size.basePages();
    }

    public long endPfn() {
        return startPfn + basePages();
    }

    public long bytes() {
        return pages * size.bytes();
    }

    public long startPhys() {
        return Mm.pfnPhys(startPfn);
    }
}

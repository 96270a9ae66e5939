package io.jcma.shim;

import io.jcma.cma.kernel.ErrnoException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code ./jcma hugepages} prints: the pages of a region with their pfns, the physically
 * contiguous runs before and after the remap by pfn, and the checks, each with its result.
 *
 * @param pages           every huge page in virtual order (before the remap)
 * @param runs            runs in virtual order, before the remap
 * @param remappedRuns    runs after {@link HugepageRegion#remapByPfn}; empty if pfns are hidden
 * @param translatedPages base pages translated through pagemap for the checks
 * @param translateNanos  time spent translating them (touch and pagemap reads)
 */
public record HugepageReport(HugepageSize size, HugepageRegion.Kind kind, Optional<String> fallbackReason,
                             boolean locked, Optional<String> lockError, List<Page> pages, List<PhysRun> runs,
                             List<PhysRun> remappedRuns, List<Check> checks, long translatedPages,
                             long translateNanos) {

    /** One huge page: its index, virtual address and head pfn (0 when not visible). */
    public record Page(int index, long va, long pfn) {
        public long phys() {
            return io.jcma.cma.mm.Mm.pfnPhys(pfn);
        }
    }

    /** One check and its outcome; {@code detail} says what was checked or what broke. */
    public record Check(String name, boolean ok, String detail) {
    }

    public boolean allOk() {
        return checks.stream().allMatch(Check::ok);
    }

    /**
     * Translates every base page of {@code region}, checks contiguity inside each huge page
     * with pagemap and (when {@code kpageflags} is given) /proc/kpageflags, finds the runs,
     * remaps the region by pfn and checks that every run is virtually contiguous afterwards.
     * The region is consumed and unmapped.
     */
    public static HugepageReport inspect(HugepageRegion region, Pagemap pagemap, KpageFlags kpageflags) {
        HugepageSize size = region.pageSize();
        List<Check> checks = new ArrayList<>();
        List<Page> pages = new ArrayList<>();
        List<PhysRun> runs = List.of();
        List<PhysRun> remapped = List.of();
        boolean hugetlb = region.kind() == HugepageRegion.Kind.HUGETLB;
        checks.add(new Check("hugetlb", hugetlb, hugetlb ? "MAP_HUGETLB pages of " + size
                : "transparent fallback: " + region.fallbackReason().orElse("")));
        checks.add(new Check("mlocked", region.locked(), region.lockError().orElse("mlock(2) of " + region.bytes()
                + " bytes")));
        long t0 = System.nanoTime();
        long[] pfns;
        try {
            pfns = pagemap.translate(region.segment());
        } catch (ErrnoException e) {
            for (int i = 0; i < region.pages(); i++) {
                pages.add(new Page(i, region.address() + i * size.bytes(), 0));
            }
            checks.add(new Check("pagemap-visible", false, e.getMessage()));
            region.close();
            return new HugepageReport(size, region.kind(), region.fallbackReason(), region.locked(),
                    region.lockError(), pages, runs, remapped, checks, 0, System.nanoTime() - t0);
        }
        long nanos = System.nanoTime() - t0;
        checks.add(new Check("pagemap-visible", true, "every base page present with a pfn (" + pfns.length
                + " pages)"));
        long[] heads = Contiguity.heads(pfns, size);
        for (int i = 0; i < heads.length; i++) {
            pages.add(new Page(i, region.address() + i * size.bytes(), heads[i]));
        }
        List<Contiguity.Violation> v = Contiguity.checkWithin(pfns, size);
        checks.add(new Check("pagemap-contiguous", v.isEmpty(), v.isEmpty()
                ? "pfn(i+1) == pfn(i) + 1 inside every " + size + " page, heads " + size + " aligned"
                : v.size() + " violations, first: " + v.getFirst()));
        if (kpageflags != null) {
            List<KpageFlags.Mismatch> bad = new ArrayList<>();
            for (long h : heads) {
                bad.addAll(kpageflags.checkHugepage(h, size.basePages(), hugetlb));
            }
            String kind = hugetlb ? "HUGE" : "THP";
            checks.add(new Check("kpageflags", bad.isEmpty(), bad.isEmpty()
                    ? "heads COMPOUND_HEAD|" + kind + ", tails COMPOUND_TAIL|" + kind
                    : bad.size() + " pages disagree, first: " + bad.getFirst()));
        }
        runs = Contiguity.runs(heads, size);
        HugepageRegion r = region.remapByPfn(pagemap);
        try {
            long[] after = pagemap.translate(r.segment());
            remapped = Contiguity.runs(Contiguity.heads(after, size), size);
            int broken = 0;
            for (PhysRun run : remapped) {
                long first = run.firstPage() * size.basePages();
                for (long i = 0; i < run.basePages(); i++) {
                    if (after[(int) (first + i)] != run.startPfn() + i) {
                        broken++;
                    }
                }
            }
            boolean sorted = true;
            for (int i = 1; i < remapped.size(); i++) {
                sorted &= remapped.get(i).startPfn() > remapped.get(i - 1).startPfn();
            }
            checks.add(new Check("remap-contiguous", broken == 0 && sorted, runs.size() + " runs before, "
                    + remapped.size() + " after the remap by pfn; " + broken + " base pages out of place"));
        } finally {
            r.close();
        }
        return new HugepageReport(size, region.kind(), region.fallbackReason(), region.locked(), region.lockError(),
                pages, runs, remapped, checks, pfns.length, nanos);
    }
}

package io.jcma.shim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The transparent-hugepage fallback, taken when the hugetlb pool cannot give the pages. */
class TransparentFallbackTest {
    private static Hugepages pools(Path root, long nr, long free) throws IOException {
        Path d = Files.createDirectories(root.resolve("hugepages-2048kB"));
        Files.writeString(d.resolve("nr_hugepages"), Long.toString(nr));
        Files.writeString(d.resolve("free_hugepages"), Long.toString(free));
        Files.writeString(d.resolve("resv_hugepages"), "0");
        Files.writeString(d.resolve("surplus_hugepages"), "0");
        return Hugepages.at(root);
    }

    @Test
    void anEmptyPoolFallsBackAndSaysWhy(@TempDir Path root) throws IOException {
        Hugepages empty = pools(root, 0, 0);
        try (HugepageRegion r = MappedHugepages.mapOrTransparent(empty, HugepageSize.SIZE_2M, 4 * HugepageSize.SIZE_2M.bytes())) {
            assertThat(r.kind()).isEqualTo(HugepageRegion.Kind.TRANSPARENT);
            assertThat(r.fallbackReason()).hasValue("hugepages-2048kB has 0 free pages, 4 needed");
            assertThat(r.pageSize()).isEqualTo(HugepageSize.SIZE_2M);
            assertThat(r.pages()).isEqualTo(4);
            assertThat(r.address() % HugepageSize.SIZE_2M.bytes()).isZero();
            r.page(3).set(ValueLayout.JAVA_LONG, 0, 7);
            assertThat(r.segment().get(ValueLayout.JAVA_LONG, 3 * HugepageSize.SIZE_2M.bytes())).isEqualTo(7);
        }
    }

    @Test
    void aHostWithoutThePoolFallsBack(@TempDir Path root) {
        try (HugepageRegion r = MappedHugepages.mapOrTransparent(Hugepages.at(root), HugepageSize.SIZE_2M,
                2 * HugepageSize.SIZE_2M.bytes())) {
            assertThat(r.kind()).isEqualTo(HugepageRegion.Kind.TRANSPARENT);
            assertThat(r.fallbackReason()).hasValue("no hugetlb pool of 2M pages (hugepages-2048kB)");
            assertThat(r.pages()).isEqualTo(2);
        }
    }

    @Test
    void aPoolWithPagesIsUsed(@TempDir Path root) throws IOException {
        Host.assumeHugepages(HugepageSize.SIZE_2M, 2);
        Hugepages full = pools(root, 64, 64);
        try (HugepageRegion r = MappedHugepages.mapOrTransparent(full, HugepageSize.SIZE_2M, 2 * HugepageSize.SIZE_2M.bytes())) {
            assertThat(r.kind()).isEqualTo(HugepageRegion.Kind.HUGETLB);
            assertThat(r.fallbackReason()).isEmpty();
        }
    }

    @Test
    void transparentPagesAreHugeWhenTheKernelGivesThem() throws Exception {
        Host.assumeRoot();
        Host.assumePhysicalAddresses();
        Path enabled = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        assumeTrue(Files.exists(enabled) && !Files.readString(enabled).contains("[never]"), "THP disabled on this host");
        try (HugepageRegion r = MappedHugepages.mapTransparent(4 * HugepageSize.SIZE_2M.bytes(), "test");
             Pagemap pm = Pagemap.openSelf(); KpageFlags kf = KpageFlags.open()) {
            assertThat(r.kind()).isEqualTo(HugepageRegion.Kind.TRANSPARENT);
            long[] pfns = pm.translate(r.segment());
            long[] heads = Contiguity.heads(pfns, r.pageSize());
            int huge = 0;
            for (int i = 0; i < heads.length; i++) {
                boolean thp = kf.checkHugepage(heads[i], r.pageSize().basePages(), false).isEmpty();
                boolean contiguous = Contiguity.checkWithin(
                        java.util.Arrays.copyOfRange(pfns, i * 512, (i + 1) * 512), r.pageSize()).isEmpty();
                // kpageflags and pagemap must agree: a THP is exactly a contiguous, aligned 2M page.
                if (thp) {
                    assertThat(contiguous).as("THP at page %d is contiguous by pagemap", i).isTrue();
                    huge++;
                }
            }
            assumeTrue(huge > 0, "the kernel backed no page with a THP (fragmented memory or defrag off)");
        }
    }
}

package io.jcma.shim;

import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The transparent-hugepage fallback, taken when the hugetlb pool cannot give the pages. */
class TransparentFallbackTest {
    @Test
    void aSizeWithoutFreePoolPagesFallsBackAndSaysWhy() {
        HugepageSize size = HugepageSize.SIZE_1G;
        Hugepages h = Hugepages.system();
        assumeTrue(!h.supports(size) || h.pool(size).available() == 0, "the host has free 1G pages: no fallback");
        try (HugepageRegion r = HugepageRegion.mapOrTransparent(size, 1)) {
            assertThat(r.kind()).isEqualTo(HugepageRegion.Kind.TRANSPARENT);
            assertThat(r.fallbackReason()).hasValueSatisfying(s -> assertThat(s).contains("hugepages-1048576kB"));
            assertThat(r.pageSize()).isEqualTo(HugepageSize.SIZE_2M);
            assertThat(r.bytes()).isEqualTo(1L << 30);
            assertThat(r.pages()).isEqualTo(512);
            assertThat(r.address() % HugepageSize.SIZE_2M.bytes()).isZero();
            r.page(511).set(ValueLayout.JAVA_LONG, 0, 7);
            assertThat(r.segment().get(ValueLayout.JAVA_LONG, 511 * HugepageSize.SIZE_2M.bytes())).isEqualTo(7);
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

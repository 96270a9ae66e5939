package io.jcma.shim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sizes as the command line, sysfs and mmap write them. */
class HugepageSizeTest {
    @Test
    void parsesEveryNotation() {
        assertThat(HugepageSize.parse("2M")).isEqualTo(HugepageSize.SIZE_2M);
        assertThat(HugepageSize.parse("2m")).isEqualTo(HugepageSize.SIZE_2M);
        assertThat(HugepageSize.parse("2048kB")).isEqualTo(HugepageSize.SIZE_2M);
        assertThat(HugepageSize.parse("2097152")).isEqualTo(HugepageSize.SIZE_2M);
        assertThat(HugepageSize.parse("1G")).isEqualTo(HugepageSize.SIZE_1G);
        assertThat(HugepageSize.parse("1048576kB")).isEqualTo(HugepageSize.SIZE_1G);
    }

    @Test
    void mmapFlagsAreTheKernelsMapHugeValues() {
        // MAP_HUGE_2MB = 21 << MAP_HUGE_SHIFT, MAP_HUGE_1GB = 30 << MAP_HUGE_SHIFT.
        assertThat(HugepageSize.SIZE_2M.mmapFlag()).isEqualTo(0x5400_0000);
        assertThat(HugepageSize.SIZE_1G.mmapFlag()).isEqualTo(0x7800_0000);
    }

    @Test
    void namesAndCounts() {
        assertThat(HugepageSize.SIZE_2M.sysfsName()).isEqualTo("hugepages-2048kB");
        assertThat(HugepageSize.SIZE_1G.sysfsName()).isEqualTo("hugepages-1048576kB");
        assertThat(HugepageSize.SIZE_2M.basePages()).isEqualTo(512);
        assertThat(HugepageSize.SIZE_1G.basePages()).isEqualTo(262144);
        assertThat(HugepageSize.SIZE_2M).hasToString("2M");
        assertThat(HugepageSize.SIZE_1G).hasToString("1G");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "M", "x", "0", "-2M", "3M", "4K", "4096", "99999999999G"})
    void rejectsWhatIsNotAHugepageSize(String text) {
        assertThatThrownBy(() -> HugepageSize.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hugepage size: " + text + " (expected: 2M or 1G)");
    }
}

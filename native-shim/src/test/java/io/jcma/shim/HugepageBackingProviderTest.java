package io.jcma.shim;

import io.jcma.cma.mm.MemoryBackingProvider;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code hugepages[:2M|1G][:COUNT]} spec and the provider's registration. */
class HugepageBackingProviderTest {
    private static HugepageBackingProvider.Spec parse(String s) {
        return HugepageBackingProvider.Spec.parse(s);
    }

    @Test
    void foundThroughServiceLoader() {
        assertThat(ServiceLoader.load(MemoryBackingProvider.class).stream().map(ServiceLoader.Provider::get)
                .map(MemoryBackingProvider::name)).contains("hugepages");
    }

    @Test
    void sizeAndCount() {
        assertThat(parse("hugepages:2M:16")).isEqualTo(new HugepageBackingProvider.Spec(HugepageSize.SIZE_2M, 16));
        assertThat(parse("hugepages:1G:2")).isEqualTo(new HugepageBackingProvider.Spec(HugepageSize.SIZE_1G, 2));
    }

    @Test
    void defaults() {
        assertThat(parse("hugepages:2M").count()).isEqualTo(16);
        assertThat(parse("hugepages:1G").count()).isEqualTo(1);
        assertThat(parse("hugepages").size()).isEqualTo(Hugepages.defaultSize());
        assertThat(parse("hugepages:8")).isEqualTo(new HugepageBackingProvider.Spec(Hugepages.defaultSize(), 8));
    }

    @Test
    void badSize() {
        assertThatThrownBy(() -> parse("hugepages:3M:4")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backing: hugepages:3M:4: hugepage size: 3M (expected: 2M or 1G)");
    }

    @Test
    void zeroCount() {
        assertThatThrownBy(() -> parse("hugepages:2M:0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backing: hugepages:2M:0: count: 0 (expected: > 0)");
    }

    @Test
    void countTooLarge() {
        assertThatThrownBy(() -> parse("hugepages:2M:99999999999")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("count: 99999999999");
    }

    @Test
    void tooManyParts() {
        assertThatThrownBy(() -> parse("hugepages:2M:4:x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: hugepages[:2M|1G][:COUNT]");
        assertThatThrownBy(() -> parse("hugepages:4:2M")).isInstanceOf(IllegalArgumentException.class);
    }
}

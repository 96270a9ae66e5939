package io.jcma.cma.boot;

import io.jcma.cma.Cma;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A 64 GiB machine with a 16 GiB CMA area costs only what it touches. */
class ScaleTest {
    static long rssKib() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    @Test
    void sixtyFourGibWithSixteenGibCmaStaysUnder512MibResident() throws Exception {
        long before = rssKib();
        try (Machine m = Machine.boot(Platform.builder().mem(64L << 30).cmdline("cma=16G").build())) {
            Cma c = m.defaultArea().orElseThrow();
            assertThat(c.size()).isEqualTo(16L << 30);
            assertThat(c.active()).isTrue();
            assertThat(c.alloc(1 << 18, 9, false)).isPresent(); // 1 GiB
            System.gc();
            long rss = rssKib();
            System.out.printf("ScaleTest: RSS %d MiB (before boot %d MiB)%n", rss >> 10, before >> 10);
            assertThat(rss).as("process RSS in KiB").isLessThan(512 * 1024);
        }
    }
}

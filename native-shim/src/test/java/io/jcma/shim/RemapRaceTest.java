package io.jcma.shim;

import io.jcma.cma.kernel.ErrnoException;
import io.jcma.shim.internal.Libc;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * remapByPfn vacates the old virtual range page by page while other threads of the JVM (the
 * JIT's malloc, GC) keep mapping memory: whatever they are given there must survive the remap.
 * Unmapping the old range as a whole once the pages had moved took such memory away and crashed
 * the JVM in the C2 compiler.
 */
class RemapRaceTest {
    private static final HugepageSize SIZE = HugepageSize.SIZE_2M;
    private static final int PAGES = 32;
    private static final int ATTEMPTS = 20;

    @BeforeEach
    void host() {
        Host.assumePhysicalAddresses();
        Host.assumeHugepages(SIZE, PAGES);
    }

    @Test
    void mappingsAnotherThreadGetsInTheVacatedRangeSurviveTheRemap() throws InterruptedException {
        long hp = SIZE.bytes();
        int during = 0;
        List<Long> lost = new ArrayList<>();
        try (Pagemap pm = Pagemap.openSelf()) {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                HugepageRegion src = HugepageRegion.map(SIZE, PAGES);
                long old = src.segment().address();
                AtomicBoolean remapped = new AtomicBoolean();
                List<Long> won = new CopyOnWriteArrayList<>();
                // asks for each old page's address as a hint: mmap gives exactly that once it is free
                Thread racer = Thread.ofPlatform().start(() -> {
                    while (!remapped.get()) {
                        for (int i = 0; i < PAGES; i++) {
                            long want = old + i * hp;
                            long got = Libc.mmap(want, 4096, Libc.PROT_NONE,
                                    Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE, -1, 0);
                            if (got == want) {
                                won.add(got);
                            } else {
                                Libc.munmap(got, 4096);
                            }
                        }
                    }
                });
                try (HugepageRegion moved = src.remapByPfn(pm)) {
                    remapped.set(true);
                    racer.join();
                    during += won.size();
                    for (long a : won) {
                        try {
                            Libc.madvise(a, 4096, 0); // MADV_NORMAL; ENOMEM when nothing is mapped there
                        } catch (ErrnoException e) {
                            lost.add(a);
                        }
                    }
                } finally {
                    remapped.set(true);
                    racer.join();
                    for (long a : won) {
                        Libc.munmap(a, 4096); // harmless where already gone
                    }
                }
            }
        }
        assertThat(during).as("the other thread got no vacated page in %d remaps: the race was not run", ATTEMPTS)
                .isPositive();
        assertThat(lost).as("of %d mappings another thread got in the vacated range, gone after the remap", during)
                .isEmpty();
    }
}

package io.jcma.shim;

import com.sun.jna.Pointer;
import io.jcma.shim.internal.Libc;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Numbers for the report, not part of the suite (the name matches no surefire include): run
 * with {@code mvn -pl native-shim -am verify -Dtest=ShimMeasurement
 * -Dsurefire.failIfNoSpecifiedTests=false}. The JMH comparison belongs in bench.
 */
class ShimMeasurement {
    private static final HugepageSize SIZE = HugepageSize.SIZE_2M;

    @Test
    void translationRemapAndCallCost() {
        Host.assumePhysicalAddresses();
        Host.assumeHugepages(SIZE, 32);
        try (Pagemap pm = Pagemap.openSelf()) {
            HugepageRegion r = HugepageRegion.map(SIZE, 32);
            long[] first = pm.translate(r.segment());
            long t0 = System.nanoTime();
            int rounds = 200;
            boolean same = true;
            for (int i = 0; i < rounds; i++) {
                same &= java.util.Arrays.equals(pm.translate(r.segment()), first);
            }
            long ns = System.nanoTime() - t0;
            assertThat(same).isTrue();
            System.out.printf("translate (touch + pagemap): %d base pages x %d in %.1f ms = %.2f M pages/s%n",
                    first.length, rounds, ns / 1e6, first.length * (double) rounds / ns * 1e3);
            t0 = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                pm.pfns(r.address(), first.length);
            }
            ns = System.nanoTime() - t0;
            System.out.printf("pagemap reads only:          %.2f M pages/s%n", first.length * (double) rounds / ns * 1e3);
            t0 = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                JnaTwin.pagemapPfns(r.address(), first.length);
            }
            ns = System.nanoTime() - t0;
            System.out.printf("JNA pagemap reads only:      %.2f M pages/s%n", first.length * (double) rounds / ns * 1e3);

            List<PhysRun> before = Contiguity.runs(r.headPfns(pm), SIZE);
            t0 = System.nanoTime();
            HugepageRegion moved = r.remapByPfn(pm);
            ns = System.nanoTime() - t0;
            List<PhysRun> after = Contiguity.runs(moved.headPfns(pm), SIZE);
            System.out.printf("remap of %d pages: %.2f ms, runs %d -> %d, longest %d -> %d pages%n", moved.pages(),
                    ns / 1e6, before.size(), after.size(),
                    before.stream().mapToInt(PhysRun::pages).max().orElse(0),
                    after.stream().mapToInt(PhysRun::pages).max().orElse(0));
            long va = moved.address();
            int n = 5_000_000;
            long sink = 0;
            for (int w = 0; w < 3; w++) {
                t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    sink += Libc.sysconf(Libc.SC_PAGESIZE);
                }
                long ffm = System.nanoTime() - t0;
                t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    sink += JnaTwin.C.sysconf(Libc.SC_PAGESIZE);
                }
                long jna = System.nanoTime() - t0;
                System.out.printf("sysconf per call: FFM %.1f ns, JNA %.1f ns%n", ffm / (double) n, jna / (double) n);
            }
            int m = 200_000;
            Pointer p = new Pointer(va);
            for (int w = 0; w < 2; w++) {
                t0 = System.nanoTime();
                for (int i = 0; i < m; i++) {
                    Libc.madvise(va, 4096, Libc.MADV_POPULATE_WRITE);
                }
                long ffm = System.nanoTime() - t0;
                t0 = System.nanoTime();
                for (int i = 0; i < m; i++) {
                    JnaTwin.C.madvise(p, 4096, Libc.MADV_POPULATE_WRITE);
                }
                long jna = System.nanoTime() - t0;
                System.out.printf("madvise(POPULATE_WRITE) per call: FFM %.1f ns, JNA %.1f ns%n", ffm / (double) m,
                        jna / (double) m);
            }
            assertThat(sink).isEqualTo(6L * n * 4096);
            moved.close();
            t0 = System.nanoTime();
            try (HugepageBacking b = HugepageBacking.open(SIZE, 16)) {
                System.out.printf("hugepage backing open (16 x 2M, map + remap + verify): %.2f ms, %d runs%n",
                        (System.nanoTime() - t0) / 1e6, b.runs().size());
            }
        }
    }
}

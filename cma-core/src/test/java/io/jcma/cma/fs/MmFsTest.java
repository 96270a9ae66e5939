package io.jcma.cma.fs;

import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import io.jcma.cma.mm.Gfp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** /proc/buddyinfo and /proc/pagetypeinfo in mm/vmstat.c's formats. */
class MmFsTest {

    private static Machine boot(String cmdline) {
        return Machine.boot(Platform.builder().mem(64L << 20).cmdline(cmdline).build());
    }

    @Test
    void buddyinfoHasTheKernelsFormat() {
        try (Machine m = boot("")) {
            assertThat(m.fs().read("/proc/buddyinfo")).isEqualTo(
                    "Node 0, zone      DMA      0      0      0      0      0      0      0      0      0      0      4 \n"
                  + "Node 0, zone    DMA32      0      0      0      0      0      0      0      0      0      0     12 \n");
        }
    }

    @Test
    void buddyinfoFollowsSplits() {
        try (Machine m = boot("")) {
            m.pageAllocator().allocPages(0, Gfp.DMA);
            assertThat(m.fs().read("/proc/buddyinfo").lines().findFirst().orElseThrow()).isEqualTo(
                    "Node 0, zone      DMA      1      1      1      1      1      1      1      1      1      1      3 ");
        }
    }

    @Test
    void aNormalZoneIsNamedAsTheKernelNamesIt() {
        try (Machine m = Machine.boot(Platform.builder().mem(5L << 30).build())) {
            String text = m.fs().read("/proc/buddyinfo");
            assertThat(text).matches("(?s)Node 0, zone      DMA .*\nNode 0, zone    DMA32 .*\nNode 0, zone   Normal( +\\d+ ){11}\n");
        }
    }

    @Test
    void pagetypeinfoHasTheKernelsFormat() {
        try (Machine m = boot("cma=16M")) {
            assertThat(m.fs().read("/proc/pagetypeinfo")).isEqualTo(
                    "Page block order: 9\n"
                  + "Pages per block:  512\n"
                  + "\n"
                  + "Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n"
                  + "Node    0, zone      DMA, type    Unmovable      0      0      0      0      0      0      0      0      0      0      0 \n"
                  + "Node    0, zone      DMA, type      Movable      0      0      0      0      0      0      0      0      0      0      4 \n"
                  + "Node    0, zone      DMA, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n"
                  + "Node    0, zone      DMA, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
                  + "Node    0, zone      DMA, type          CMA      0      0      0      0      0      0      0      0      0      0      0 \n"
                  + "Node    0, zone      DMA, type      Isolate      0      0      0      0      0      0      0      0      0      0      0 \n"
                  + "Node    0, zone    DMA32, type    Unmovable      0      0      0      0      0      0      0      0      0      0      0 \n"
                  + "Node    0, zone    DMA32, type      Movable      0      0      0      0      0      0      0      0      0      0      8 \n"
                  + "Node    0, zone    DMA32, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n"
                  + "Node    0, zone    DMA32, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
                  + "Node    0, zone    DMA32, type          CMA      0      0      0      0      0      0      0      0      0      0      4 \n"
                  + "Node    0, zone    DMA32, type      Isolate      0      0      0      0      0      0      0      0      0      0      0 \n"
                  + "\n"
                  + "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic          CMA      Isolate \n"
                  + "Node 0, zone      DMA            0            8            0            0            0            0 \n"
                  + "Node 0, zone    DMA32            0           16            0            0            8            0 \n");
        }
    }
}

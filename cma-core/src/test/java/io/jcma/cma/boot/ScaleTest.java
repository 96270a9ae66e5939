package io.jcma.cma.boot;

import io.jcma.cma.Cma;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 64 GiB machine with a 16 GiB CMA area costs only what it touches. Measured in a fresh JVM
 * (the test JVM's own resident memory depends on every test that ran before), whose peak
 * resident set (VmHWM) must stay under 512 MiB.
 */
class ScaleTest {
    static long statusKib(String field) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith(field + ":")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/self/status");
    }

    /** The child: boots, allocates 1 GiB from the area, prints "rss=KIB hwm=KIB". */
    public static void main(String[] args) throws Exception {
        try (Machine m = Machine.boot(Platform.builder().mem(64L << 30).cmdline("cma=16G").build())) {
            Cma c = m.defaultArea().orElseThrow();
            if (c.size() != 16L << 30 || !c.active() || c.alloc(1 << 18, 9, false).isEmpty()) {
                System.out.println("bad area " + c);
                System.exit(2);
            }
            System.out.println("rss=" + statusKib("VmRSS") + " hwm=" + statusKib("VmHWM"));
        }
    }

    @Test
    void sixtyFourGibWithSixteenGibCmaStaysUnder512MibResident() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                ScaleTest.class.getName())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        String last = out.lines().reduce((a, b) -> b).orElse("");
        assertThat(last).matches("rss=\\d+ hwm=\\d+");
        long hwm = Long.parseLong(last.substring(last.indexOf("hwm=") + 4));
        System.out.println("ScaleTest: 64 GiB machine, cma=16G, 1 GiB allocated: " + last + " (KiB)");
        assertThat(hwm).as("peak RSS of the child in KiB").isLessThan(512 * 1024);
    }
}

package io.jcma.cli;

import io.jcma.cma.mm.PageState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MapAndPressureCommandTest {

    private static String[] run(String... args) {
        Jcma.Run r = Jcma.run(args);
        return new String[] {Integer.toString(r.exit()), r.out(), r.err()};
    }

    @Test
    void mapWritesAReadablePngShowingTheArea(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("m.png");
        String[] r = run("map", "--out", png.toString(), "--mem", "256M", "--cmdline", "cma=64M", "--pressure", "80:1");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains("wrote " + png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).isNotNull();
        assertThat(img.getWidth()).isGreaterThanOrEqualTo(512 * 2);
        Set<Integer> colors = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                colors.add(img.getRGB(x, y) & 0xffffff);
            }
        }
        assertThat(colors).as("free, lent and pinned pages are drawn").contains(
                MapCommand.COLORS.get(PageState.FREE).getRGB() & 0xffffff,
                MapCommand.COLORS.get(PageState.MOVABLE).getRGB() & 0xffffff,
                MapCommand.COLORS.get(PageState.PINNED).getRGB() & 0xffffff);
    }

    @Test
    void mapWithoutACmaAreaSaysSo(@TempDir Path dir) {
        Path png = dir.resolve("none.png");
        String[] r = run("map", "--out", png.toString(), "--mem", "64M");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("no CMA area");
        assertThat(Files.exists(png)).isFalse();
    }

    @Test
    void shellUnderPressureLendsCmaAndAllocatesHalfTheAreaByMigration() {
        String[] r = run("shell", "--mem", "1G", "--cmdline", "cma=256M", "--pressure", "75", "-c",
                "cat /proc/meminfo; echo 32768 > /sys/kernel/debug/cma/reserved/alloc; cat /sys/kernel/debug/cma/reserved/used");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        Matcher total = Pattern.compile("(?m)^CmaTotal:\\s+(\\d+) kB$").matcher(r[1]);
        Matcher free = Pattern.compile("(?m)^CmaFree:\\s+(\\d+) kB$").matcher(r[1]);
        assertThat(total.find() && free.find()).isTrue();
        assertThat(Long.parseLong(total.group(1)) - Long.parseLong(free.group(1))).isGreaterThan(64 * 1024);
        assertThat(r[1]).endsWith("32768\n");
    }

    @Test
    void bootReportsThePressure() {
        String[] r = run("boot", "--mem", "256M", "--cmdline", "cma=64M", "--pressure", "50:10");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).containsPattern("Memory pressure: \\d+ movable pages in \\d+ regions, \\d+ pinned");
    }

    @Test
    void badPressureIsRejectedWithTheValue() {
        for (String bad : new String[] {"101", "x", "50:200", "1:2:3", "-1", ""}) {
            String[] r = run("boot", "--mem", "64M", "--pressure", bad);
            assertThat(r[0]).as("--pressure '%s'", bad).isEqualTo("2");
            assertThat(r[2]).contains("--pressure: '" + bad + "'");
        }
    }

    @Test
    void pressureOptionsParse() {
        PressureOptions p = new PressureOptions();
        assertThat(p.parse()).isNull();
        p.pressure = "80:1";
        assertThat(p.parse()).containsExactly(80, 1);
        p.pressure = "75";
        assertThat(p.parse()).containsExactly(75, 0);
        p.pressure = "75:";
        assertThatThrownBy(p::parse).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anOutputInAMissingDirectoryIsACleanError() {
        Jcma.Run r = Jcma.run("map", "--out", "/nonexistent-jcma-dir/m.png", "--mem", "256M", "--cmdline", "cma=16M");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("jcma: --out: /nonexistent-jcma-dir/m.png (expected: a file in an existing, writable directory)\n");
    }
}

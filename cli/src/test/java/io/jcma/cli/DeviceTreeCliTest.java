package io.jcma.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcma.cma.boot.DefaultPlatform;
import io.jcma.cma.fdt.Fdt;
import io.jcma.cma.fdt.FdtNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** --dtb, --dts, the built-in platform, {@code ./jcma dts} and the devices of {@code boot --json}. */
class DeviceTreeCliTest {
    static Jcma.Run run(String... args) {
        return Jcma.run(args);
    }

    static boolean dtc() {
        try {
            Process p = new ProcessBuilder("dtc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static void assumeDtc() {
        Assumptions.assumeTrue(dtc(), "dtc is not installed (apt-get install device-tree-compiler); CI installs it");
    }

    @Test
    void bootJsonWithoutOptionsBootsTheBuiltInPlatform() throws IOException {
        Jcma.Run r = run("boot", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        List<String> areas = new ArrayList<>();
        root.get("areas").forEach(a -> areas.add(a.get("name").asText()));
        assertThat(areas).containsExactlyInAnyOrder("linux,cma", "gpu-memory", "vcodec-memory@60000000");
        JsonNode gpu = find(root.get("devices"), "/soc/gpu@10000000");
        assertThat(gpu.get("compatible").get(0).asText()).isEqualTo(DefaultPlatform.GPU);
        assertThat(gpu.get("reg").get(0).get("address").asText()).isEqualTo("0x10000000");
        assertThat(gpu.get("reg").get(0).get("size").asLong()).isEqualTo(0x10000);
        assertThat(gpu.get("interrupts").toString()).isEqualTo("[0,32,4]");
        assertThat(gpu.get("memory_region").asText()).isEqualTo("gpu-memory");
        assertThat(gpu.get("cma_area").asText()).isEqualTo("gpu-memory");
        JsonNode dma = find(root.get("devices"), "/dma-bus/dma-controller@10200000");
        assertThat(dma.get("memory_region").isNull()).isTrue();
        assertThat(dma.get("dma_limit").asText()).isEqualTo("0xffffffff");
        assertThat(find(root.get("devices"), "/soc/video-codec@10100000").get("memory_region").asText())
                .isEqualTo("vcodec-memory@60000000");
        assertThat(root.get("errors").size()).isZero();
    }

    private static JsonNode find(JsonNode devices, String path) {
        for (JsonNode d : devices) {
            if (d.get("path").asText().equals(path)) {
                return d;
            }
        }
        throw new AssertionError("no device " + path + " in " + devices);
    }

    @Test
    void bootPrintsTheKernelsMemoryLayoutAndPools() {
        Jcma.Run r = run("boot");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Zone ranges:", "Early memory node ranges",
                "Reserved memory: created CMA memory pool at 0x0000000060000000, size 32 MiB",
                "/soc/gpu@10000000", "gpu-memory");
    }

    @Test
    void dtsPrintsASourceDtcCompilesToTheBuiltInTree(@TempDir Path dir) throws Exception {
        Jcma.Run r = run("dts");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(DefaultPlatform.dts()).startsWith("// SPDX").contains("/dts-v1/;");
        assumeDtc();
        Path src = dir.resolve("virt.dts");
        Files.writeString(src, r.out());
        Fdt compiled = Fdt.parse(PlatformOptions.compileDts(src));
        Fdt builtIn = DefaultPlatform.fdt();
        assertThat(compiled.nodes()).extracting(FdtNode::path).isEqualTo(builtIn.nodes().stream().map(FdtNode::path).toList());
    }

    @Test
    void dtbAndDtsOptionsBootThatTree(@TempDir Path dir) throws Exception {
        assumeDtc();
        Path src = dir.resolve("board.dts");
        Files.writeString(src, """
                /dts-v1/;
                / { #address-cells = <2>; #size-cells = <2>; model = "cli board";
                    chosen { bootargs = "cma=16M"; };
                    memory@80000000 { device_type = "memory"; reg = <0x0 0x80000000 0x0 0x20000000>; };
                    reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;
                        pool: pool@90000000 { compatible = "shared-dma-pool"; reusable; reg = <0x0 0x90000000 0x0 0x400000>; };
                    };
                    npu@1000 { compatible = "acme,npu"; reg = <0x0 0x1000 0x0 0x100>; memory-region = <&pool>; };
                };
                """);
        Jcma.Run viaDts = run("boot", "--json", "--dts", src.toString());
        assertThat(viaDts.exit()).as(viaDts.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(viaDts.out());
        assertThat(root.get("log").toString()).contains("Machine model: cli board", "Kernel command line: cma=16M");
        assertThat(find(root.get("devices"), "/npu@1000").get("cma_area").asText()).isEqualTo("pool@90000000");

        Path dtb = dir.resolve("board.dtb");
        Files.write(dtb, PlatformOptions.compileDts(src));
        Jcma.Run viaDtb = run("boot", "--json", "--dtb", dtb.toString(), "--cmdline", "cma=8M", "--mem", "1G");
        assertThat(viaDtb.exit()).as(viaDtb.err()).isZero();
        JsonNode r2 = new ObjectMapper().readTree(viaDtb.out());
        // --cmdline wins over bootargs; --mem replaces the memory node (and the pool is then outside RAM)
        assertThat(r2.get("log").toString()).contains("Kernel command line: cma=8M").doesNotContain("cma=16M");
        assertThat(r2.get("errors").toString()).contains("Reserved memory: unable to setup CMA region");
        JsonNode reserved = r2.get("areas").get(0);
        assertThat(reserved.get("name").asText()).isEqualTo("reserved");
        assertThat(reserved.get("size").asLong()).isEqualTo(8L << 20);
    }

    @Test
    void badDeviceTreeInputsSayWhatIsWrong(@TempDir Path dir) throws Exception {
        Jcma.Run missing = run("boot", "--dtb", dir.resolve("none.dtb").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("--dtb " + dir.resolve("none.dtb") + ": no such file");

        Path junk = dir.resolve("junk.dtb");
        Files.write(junk, new byte[] {(byte) 0xd0, 0x0d, (byte) 0xfe, (byte) 0xed, 0, 0});
        Jcma.Run bad = run("boot", "--dtb", junk.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("not a valid device tree blob: FDT_ERR_TRUNCATED at offset 0x0");

        Jcma.Run both = run("boot", "--dtb", junk.toString(), "--dts", junk.toString());
        assertThat(both.err()).contains("--dtb and --dts: give one device tree, not both");

        Jcma.Run noDts = run("boot", "--dts", dir.resolve("none.dts").toString());
        assertThat(noDts.err()).contains("none.dts: no such file");
    }

    @Test
    void dtsThatDtcRefusesShowsDtcsMessage(@TempDir Path dir) throws IOException {
        assumeDtc();
        Path src = dir.resolve("broken.dts");
        Files.writeString(src, "/dts-v1/;\n/ { oops\n");
        Jcma.Run r = run("boot", "--dts", src.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--dts " + src + ": dtc failed (exit 1):").contains("syntax error");
    }

    @Test
    void dtsWithoutDtcSaysHowToGetIt(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("x.dts");
        Files.writeString(src, "/dts-v1/;\n/ { };\n");
        // a JVM whose dtc is a command that does not exist
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Djcma.dtc=/nonexistent/dtc", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "boot", "--dts", src.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).contains("dtc (the device-tree compiler) is not installed: apt-get install device-tree-compiler");
    }

    @Test
    void memWithoutATreeStillBootsAPlainX86Machine() {
        Jcma.Run r = run("boot", "--mem", "1G", "--cmdline", "cma=32M");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("jcma simulated x86_64").doesNotContain("Machine model");
    }

    @Test
    void platformOptionsRefuseAnUnreadableTreeBeforeBooting() {
        PlatformOptions o = new PlatformOptions();
        o.dtb = Path.of("/nonexistent.dtb");
        assertThatThrownBy(o::platform).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no such file");
    }
}

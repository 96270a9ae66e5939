package io.jcma.cli;

import io.jcma.cma.boot.Arch;
import io.jcma.cma.boot.DefaultPlatform;
import io.jcma.cma.boot.MemRange;
import io.jcma.cma.boot.Platform;
import io.jcma.cma.fdt.Fdt;
import io.jcma.cma.fdt.FdtException;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The options that describe a simulated machine, shared by every command that boots one.
 *
 * <p>With {@code --dtb} or {@code --dts} the machine boots from that device tree;
 * {@code --mem}/{@code --memory} then replace its memory nodes, as a bootloader fills them in.
 * With none of {@code --dtb}, {@code --dts}, {@code --mem} and {@code --memory} it boots the
 * built-in platform ({@code ./jcma dts} prints it). {@code --cmdline}, {@code --arch},
 * {@code --reserve} and {@code --backing} apply to any of them.
 */
public final class PlatformOptions {
    /** The device-tree compiler to run for --dts (system property jcma.dtc, default "dtc"). */
    static final String DTC = System.getProperty("jcma.dtc", "dtc");

    @Option(names = "--dtb", paramLabel = "FILE", description = "Boot from this flattened device tree (arm64 unless --arch).")
    Path dtb;

    @Option(names = "--dts", paramLabel = "FILE", description = "Boot from this device-tree source (compiled with dtc).")
    Path dts;

    @Option(names = "--mem", paramLabel = "SIZE",
            description = "One RAM bank from 0 on node 0, e.g. 4G (replaces a device tree's memory nodes).")
    String mem;

    @Option(names = "--memory", paramLabel = "START-END[@NODE]",
            description = "A RAM range, END inclusive, hex or decimal (repeatable), e.g. 0x100000-0x3ffdffff@0.")
    List<String> memory = new ArrayList<>();

    @Option(names = "--reserve", paramLabel = "START-END",
            description = "A memblock reservation made before CMA's: kernel image, initrd, firmware (repeatable).")
    List<String> reserve = new ArrayList<>();

    @Option(names = "--cmdline", paramLabel = "\"...\"", description = "The kernel command line, e.g. \"cma=64M\".")
    String cmdline;

    @Option(names = "--arch", paramLabel = "x86_64|arm64",
            description = "Zone layout and default-area limit (default: arm64 with a device tree, else x86_64).")
    String arch;

    @Option(names = "--backing", paramLabel = "SPEC",
            description = "Where RAM lives: sparse-file (default) or hugepages[:2M|1G][:COUNT].")
    String backing;

    /**
     * The platform these options describe; the built-in device tree when they name no RAM and
     * no tree.
     *
     * @throws IllegalArgumentException naming the option when a file cannot be read, is not a
     *                                  valid device tree, or dtc is missing or refuses a source
     */
    public Platform platform() {
        Platform.Builder b;
        if (dtb != null && dts != null) {
            throw new IllegalArgumentException("--dtb and --dts: give one device tree, not both");
        }
        if (dtb != null) {
            b = Platform.builder().deviceTree(readDtb(dtb));
        } else if (dts != null) {
            b = Platform.builder().deviceTree(parse(compileDts(dts), "--dts " + dts));
        } else if (mem == null && memory.isEmpty()) {
            b = DefaultPlatform.builder();
        } else {
            b = Platform.builder();
        }
        if (mem != null) {
            b.mem(MemRange.number(mem, "--mem"));
        }
        for (String m : memory) {
            b.memory(MemRange.parse(m));
        }
        for (String r : reserve) {
            b.reserve(MemRange.parse(r));
        }
        if (cmdline != null) {
            b.cmdline(cmdline);
        }
        if (arch != null) {
            b.arch(Arch.parse(arch));
        }
        if (backing != null) {
            b.backing(backing);
        }
        return b.build();
    }

    private static Fdt readDtb(Path file) {
        try {
            return parse(Files.readAllBytes(file), "--dtb " + file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--dtb " + file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException("--dtb " + file + ": " + e.getMessage());
        }
    }

    private static Fdt parse(byte[] blob, String what) {
        try {
            return Fdt.parse(blob);
        } catch (FdtException e) {
            throw new IllegalArgumentException(what + ": not a valid device tree blob: " + e.getMessage());
        }
    }

    /** Runs {@code dtc -I dts -O dtb} on {@code source}; the include path is the source's directory. */
    static byte[] compileDts(Path source) {
        if (!Files.isRegularFile(source)) {
            throw new IllegalArgumentException("--dts " + source + ": no such file");
        }
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("jcma-", ".dtb");
            err = Files.createTempFile("jcma-", ".dtc-err");
            Path dir = source.toAbsolutePath().getParent();
            Process p;
            try {
                p = new ProcessBuilder(DTC, "-q", "-I", "dts", "-O", "dtb", "-i", dir.toString(), "-o", out.toString(),
                        source.toString()).redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                throw new IllegalArgumentException("--dts " + source + ": dtc (the device-tree compiler) is not installed:"
                        + " apt-get install device-tree-compiler, or compile the source yourself and pass --dtb");
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalArgumentException("--dts " + source + ": dtc did not finish in 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalArgumentException("--dts " + source + ": dtc failed (exit " + p.exitValue() + "): "
                        + Files.readString(err, StandardCharsets.UTF_8).strip());
            }
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new IllegalArgumentException("--dts " + source + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("--dts " + source + ": interrupted");
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a temporary file left behind is harmless
        }
    }
}

package io.jcma.cma.fdt;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Test helper: compiles device-tree sources with the real dtc (skips the test when dtc is absent). */
public final class Dtc {
    private static final boolean AVAILABLE = probe();

    private Dtc() {
    }

    private static boolean probe() {
        try {
            Process p = new ProcessBuilder("dtc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    public static boolean available() {
        return AVAILABLE;
    }

    /** Skips the calling test, saying why, when dtc is not installed. */
    public static void assumeAvailable() {
        Assumptions.assumeTrue(AVAILABLE, "dtc is not installed (apt-get install device-tree-compiler); CI installs it");
    }

    /** dtc -I dts -O dtb; fails the test with dtc's message when the source does not compile. */
    public static byte[] compile(String source) {
        assumeAvailable();
        return run(source.getBytes(StandardCharsets.UTF_8), "dts", "dtb");
    }

    /** dtc -I dtb -O dts. */
    public static String decompile(byte[] dtb) {
        assumeAvailable();
        return new String(run(dtb, "dtb", "dts"), StandardCharsets.UTF_8);
    }

    private static byte[] run(byte[] input, String in, String out) {
        try {
            Path src = Files.createTempFile("jcma-dtc", "." + in);
            Path dst = Files.createTempFile("jcma-dtc", "." + out);
            Path err = Files.createTempFile("jcma-dtc", ".err");
            try {
                Files.write(src, input);
                Process p = new ProcessBuilder("dtc", "-q", "-I", in, "-O", out, "-o", dst.toString(), src.toString())
                        .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new AssertionError("dtc failed: " + Files.readString(err));
                }
                return Files.readAllBytes(dst);
            } finally {
                Files.deleteIfExists(src);
                Files.deleteIfExists(dst);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("dtc: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("dtc interrupted", e);
        }
    }
}

package io.jcma.cma.boot;

import io.jcma.cma.fdt.Fdt;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The built-in platform, "jcma-virt": a device tree shipped inside the jar as its source
 * ({@code jcma-virt.dts}) and its dtc-compiled form ({@code jcma-virt.dtb}; a test keeps the
 * two in step). 4 GiB of RAM at 0x40000000, a default CMA pool, a GPU and a video codec with
 * their own CMA pools through memory-region, a DMA engine behind a 32-bit dma-ranges and a
 * no-map firmware carve-out. Device models bind to {@link #GPU}, {@link #VIDEO_CODEC} and
 * {@link #DMA_ENGINE}.
 */
public final class DefaultPlatform {
    public static final String GPU = "jcma,gpu";
    public static final String VIDEO_CODEC = "jcma,video-codec";
    public static final String DMA_ENGINE = "jcma,dma-engine";

    private static final String DTS = "jcma-virt.dts";
    private static final String DTB = "jcma-virt.dtb";

    private DefaultPlatform() {
    }

    /** The device-tree source, as {@code ./jcma dts} prints it. */
    public static String dts() {
        return new String(resource(DTS), StandardCharsets.UTF_8);
    }

    /** The compiled blob. */
    public static byte[] dtb() {
        return resource(DTB);
    }

    /** The parsed tree. */
    public static Fdt fdt() {
        return Fdt.parse(dtb());
    }

    /** A platform builder that boots the built-in tree (arm64). */
    public static Platform.Builder builder() {
        return Platform.builder().deviceTree(fdt());
    }

    private static byte[] resource(String name) {
        try (InputStream in = DefaultPlatform.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.jcma.junit;

import io.jcma.junit.internal.Placements;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Where a test (or a test class) that needs physical addresses runs: {@link Here},
 * {@link InContainer} or, when neither can give it what it needs, nowhere
 * ({@link Unavailable}: it is skipped with the reason). Decided once per test from the host
 * alone: this process's capabilities, /proc/self/pagemap, the hugepage pools in sysfs and
 * whether a Docker engine answers.
 *
 * <p>For extensions that compose with the container path (the platform extension): call
 * {@link #require} from a {@code BeforeAllCallback} or {@code BeforeEachCallback}, before
 * booting anything, and boot only when the answer is {@link Here}.
 */
public sealed interface Placement {
    /** Why the test runs where it does (or does not run), in key=value-ish prose. */
    String reason();

    /**
     * Runs in this JVM.
     *
     * @param reason why, e.g. "CapEff 0x1fffeffffff has CAP_SYS_ADMIN (bit 21)"
     */
    record Here(String reason) implements Placement {
    }

    /**
     * Runs in a container of {@code image}; its result is reported as the test's own.
     *
     * @param image  the JDK image
     * @param reason why not here
     */
    record InContainer(String image, String reason) implements Placement {
    }

    /**
     * Runs nowhere: the test is skipped with {@code reason}.
     *
     * @param reason what is missing, e.g. no Docker engine, or too few free hugepages
     */
    record Unavailable(String reason) implements Placement {
    }

    /**
     * The placement of the test or class of {@code context}, from the {@link PhysicalAddresses}
     * on its method or class (meta-annotations count) and from {@link #require} calls; a context
     * with neither runs {@link Here}.
     */
    static Placement of(ExtensionContext context) {
        return Placements.of(context);
    }

    /**
     * Adds a requirement of {@code hugepages} free pages of {@code size} ("2M" or "1G"; 0 pages
     * asks for physical addresses only) to the test or class of {@code context}, and decides its
     * placement again. A method context's requirement replaces its class's for that method.
     *
     * @throws IllegalArgumentException for a size that is not "2M"/"1G"-like, or negative pages
     */
    static Placement require(ExtensionContext context, String size, int hugepages) {
        return Placements.require(context, size, hugepages);
    }

    /** Whether this JVM is the one the container path started inside a container. */
    static boolean insideContainer() {
        return Placements.insideContainer();
    }
}

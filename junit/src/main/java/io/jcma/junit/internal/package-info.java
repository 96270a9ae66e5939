/**
 * The container path behind {@link io.jcma.junit.PhysicalAddresses}, not exported (but to the
 * cli, whose {@code hugepages --container} starts its container the same way).
 *
 * <p>Host side: {@link io.jcma.junit.internal.HostFacts} (capabilities, pagemap, hugepage
 * pools) and {@link io.jcma.junit.internal.Placements} decide; {@code ContainerExtension}
 * intercepts; {@code SharedContainer} starts one {@link io.jcma.junit.internal.JdkContainer}
 * per image and run, {@code RemoteClass} keeps one session per test class in it. Container
 * side: {@link io.jcma.junit.internal.RemoteServer} reads requests from a FIFO and
 * {@code Lockstep} runs each class in step with the host. {@code Outcome} is what crosses back,
 * by {@code Wire}. {@link io.jcma.junit.internal.ContainerSuite} (with {@code SuiteRun} in the
 * container) runs unannotated test classes whole, for a test factory that replays their results.
 *
 * <p>Requests are served one at a time per class; what the container's tests print is collected
 * for the whole JVM, so with parallel classes on the host their output may arrive interleaved.
 */
package io.jcma.junit.internal;

/**
 * The container path behind {@link io.jcma.junit.PhysicalAddresses}, not exported (but to the
 * cli, whose {@code hugepages --container} starts its container the same way).
 *
 * <p>Host side: {@link io.jcma.junit.internal.HostFacts} (capabilities, pagemap, hugepage
 * pools) and {@link io.jcma.junit.internal.Placements} decide; {@code ContainerExtension}
 * intercepts; {@code SharedContainer} starts one {@link io.jcma.junit.internal.JdkContainer}
 * per image and run, {@code RemoteClass} keeps one session per test class in it. Container
 * side: {@link io.jcma.junit.internal.RemoteServer} reads requests from a FIFO and
 * {@code Lockstep} runs each class in step with the host. {@code Outcome} is what crosses back.
 */
package io.jcma.junit.internal;

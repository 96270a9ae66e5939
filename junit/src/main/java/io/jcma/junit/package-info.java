/**
 * JUnit 5 support for jcma tests.
 *
 * <h2>Tests that need physical addresses: the container path</h2>
 * {@link io.jcma.junit.PhysicalAddresses} on a test class or method runs it here when this JVM
 * can read real pfns from /proc/self/pagemap (CAP_SYS_ADMIN), and otherwise inside a container
 * with CAP_SYS_ADMIN and CAP_IPC_LOCK, reporting the result as the test's own:
 * <pre>{@code
 * @PhysicalAddresses(hugepages = 8)          // 8 free 2 MiB hugetlb pages
 * class MyHugepageTest {
 *     @Test void pfnsAreReal() { ... HugepageRegion.map(HugepageSize.SIZE_2M, 8) ... }
 * }
 * }</pre>
 * The image is {@value io.jcma.junit.PhysicalAddresses#DEFAULT_IMAGE} unless the system property
 * {@value io.jcma.junit.PhysicalAddresses#IMAGE_PROPERTY} or the environment variable
 * {@value io.jcma.junit.PhysicalAddresses#IMAGE_ENV} names another (any image with a JDK 25
 * {@code java} on PATH and {@code sh}, {@code mkfifo}, {@code cat}, {@code sleep}); it is
 * pulled only when the engine lacks it. {@value io.jcma.junit.PhysicalAddresses#MODE_PROPERTY}
 * ({@code auto}, {@code host}, {@code container}) overrides where {@code AUTO} tests go. The
 * Docker engine is found as Testcontainers finds it (DOCKER_HOST, the default socket); with
 * Ryuk off (TESTCONTAINERS_RYUK_DISABLED=true) the container is still stopped at the end of the
 * run, and carries the label {@code io.jcma.container-path} for cleanup after a crash.
 *
 * <p>In the container the test sees the class path, not the host's working directory: read
 * inputs as class-path resources. Every test class has one JUnit launcher session there, run in
 * step with the host, so {@code @BeforeAll} state is shared by the class's tests as usual.
 *
 * <h2>How the platform extension composes with it</h2>
 * The platform extension (it boots a machine from an annotation and injects it) needs the
 * container path when its backing is {@code hugepages:SIZE:N}. It composes in three steps:
 * <ol>
 *   <li>Its annotation carries {@code @ExtendWith(io.jcma.junit.internal.ContainerExtension.class)}
 *       beside its own extension (both live in this module), or the user adds
 *       {@link io.jcma.junit.PhysicalAddresses}; one registration per test is enough.</li>
 *   <li>In its {@code BeforeAllCallback} (a per-class machine) or {@code BeforeEachCallback}
 *       (per test), before booting, it parses the backing spec and calls
 *       {@link io.jcma.junit.Placement#require Placement.require(context, "2M", N)}.</li>
 *   <li>It boots, injects and checks for leaks only where the answer is
 *       {@link io.jcma.junit.Placement.Here}. For {@link io.jcma.junit.Placement.InContainer}
 *       it does nothing here: its parameter resolver may hand out {@code null} (the method is
 *       not invoked here), and its after-callbacks skip. The test then runs in the container,
 *       where the same extensions run again, {@link io.jcma.junit.Placement#insideContainer()}
 *       is true and every placement is {@code Here}, so there it boots the machine on real
 *       hugepages, injects it and checks it; a failure there, a leak report included, is the
 *       test's failure here. For {@link io.jcma.junit.Placement.Unavailable} it does nothing:
 *       the interceptor skips the test with the reason.</li>
 * </ol>
 */
package io.jcma.junit;

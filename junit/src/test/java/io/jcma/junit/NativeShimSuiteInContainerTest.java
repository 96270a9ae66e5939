package io.jcma.junit;

import io.jcma.junit.internal.ContainerSuite;
import io.jcma.junit.testing.DockerApi;
import io.jcma.junit.testing.HostHugepages;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The native shim's own tests that need pagemap pfns and hugepages, unchanged, run inside one
 * container from this host JVM; each reports here as a test of its own, and a last one checks
 * that every test the host discovers in those classes ran there and passed, none skipped.
 */
class NativeShimSuiteInContainerTest {
    private static final List<String> SUITE = List.of("io.jcma.shim.HugepageRegionTest",
            "io.jcma.shim.HugepageBackingTest", "io.jcma.shim.PagemapTest", "io.jcma.shim.JnaTwinTest");
    /** The most any of them maps at once (HugepageBackingTest). */
    private static final int PAGES = 16;

    @TestFactory
    Stream<DynamicNode> nativeShimHugepageSuite() {
        // A factory that aborts is not reported: one skipped test says why instead.
        Optional<String> missing = DockerApi.engineWithImageMissing().or(() -> HostHugepages.missing(PAGES));
        if (missing.isPresent()) {
            return Stream.of(DynamicTest.dynamicTest("the native shim suite in a container",
                    () -> Assumptions.abort(missing.get())));
        }
        List<ContainerSuite.Result> results = ContainerSuite.run(DockerApi.image(), SUITE);
        DynamicTest everyTestPassed = DynamicTest.dynamicTest("every test of the suite ran in the container and passed",
                () -> {
                    List<String> expected = discoveredOnTheHost();
                    assertThat(expected).hasSizeGreaterThan(20);
                    assertThat(results.stream().filter(ContainerSuite.Result::test).map(ContainerSuite.Result::uid))
                            .containsExactlyInAnyOrderElementsOf(expected);
                    List<String> notPassed = results.stream()
                            .filter(r -> !r.passed()).map(r -> r.uid() + ": " + r.verdict())
                            .collect(Collectors.toList());
                    assertThat(notPassed).as("tests that did not pass in the container").isEmpty();
                });
        return Stream.concat(ContainerSuite.asDynamicTests(results), Stream.of(everyTestPassed));
    }

    private static List<String> discoveredOnTheHost() {
        TestPlan plan = LauncherFactory.create().discover(LauncherDiscoveryRequestBuilder.request()
                .selectors(SUITE.stream().map(n -> selectClass(n)).toList()).build());
        return plan.getRoots().stream().flatMap(r -> plan.getDescendants(r).stream())
                .filter(TestIdentifier::isTest).map(TestIdentifier::getUniqueId).toList();
    }
}

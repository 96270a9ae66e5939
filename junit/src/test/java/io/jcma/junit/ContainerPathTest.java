package io.jcma.junit;

import io.jcma.junit.fixtures.ComposedPlatform;
import io.jcma.junit.fixtures.MixedPlacement;
import io.jcma.junit.fixtures.RemoteAfterAllFails;
import io.jcma.junit.fixtures.RemoteBeforeAllFails;
import io.jcma.junit.fixtures.RemoteOrderDiffers;
import io.jcma.junit.fixtures.RemoteSubset;
import io.jcma.junit.fixtures.RemoteVerdicts;
import io.jcma.junit.testing.DockerApi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult.Status;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/**
 * The container path end to end: fixture classes placed in the container run there through one
 * shared container, and every kind of result comes back as the host test's own. One launcher
 * run for all of them, so one container start.
 */
class ContainerPathTest {
    private static Launch.Results results;
    private static long since;

    /** Once, at the first test (a skipped @BeforeAll would leave no test and no reason in the report). */
    @BeforeEach
    void runFixtures() {
        DockerApi.assumeEngineWithImage();
        if (results != null) {
            return;
        }
        since = System.currentTimeMillis() / 1000 - 1;
        // AUTO placements (ComposedPlatform's) go to the container too, root or not.
        String mode = System.setProperty(PhysicalAddresses.MODE_PROPERTY, "container");
        try {
            results = Launch.run(selectClass(RemoteVerdicts.class), selectClass(RemoteBeforeAllFails.class),
                    selectClass(RemoteAfterAllFails.class), selectClass(RemoteOrderDiffers.class),
                    selectClass(MixedPlacement.class), selectMethod(RemoteSubset.class, "second"),
                    selectClass(ComposedPlatform.class));
        } finally {
            if (mode == null) {
                System.clearProperty(PhysicalAddresses.MODE_PROPERTY);
            } else {
                System.setProperty(PhysicalAddresses.MODE_PROPERTY, mode);
            }
        }
    }

    @Test
    void anExtensionThatRequiresHugepagesBootsOnlyInTheContainer() {
        assertThat(results.get("ComposedPlatform]/[method:theMachineIsBootedInTheContainer(java.lang.String)]")
                .status()).isEqualTo(Status.SUCCESSFUL);
        assertThat(ComposedPlatform.PlatformLike.BOOTS).as("machines booted on the host").hasValue(0);
    }

    @Test
    void aPassingTestPassesAndWhatItPrintedIsPrintedHere() {
        assertThat(results.get("RemoteVerdicts]/[method:passes()]").status()).isEqualTo(Status.SUCCESSFUL);
        assertThat(results.out()).contains("jcma-fixture: hello from ");
        assertThat(results.err()).contains("jcma-fixture: to stderr");
    }

    @Test
    void lifecycleMethodsRunInTheContainerOnlyAndBeforeAllOnce() {
        // Their assertions would fail had they run on the host, or once per test.
        assertThat(results.get("RemoteVerdicts]/[method:beforeAllRanOnceForTheClass()]").status())
                .isEqualTo(Status.SUCCESSFUL);
        assertThat(RemoteVerdicts.beforeAlls).as("@BeforeAll on the host").isZero();
    }

    @Test
    void anAssertionFailureComesBackWithTheRemoteMessageAndStack() {
        Launch.Event e = results.get("[method:fails()]");
        assertThat(e.status()).isEqualTo(Status.FAILED);
        assertThat(e.throwable()).isInstanceOf(AssertionFailedError.class)
                .hasMessage("remote says no ==> expected: <1> but was: <2>");
        AssertionFailedError f = (AssertionFailedError) e.throwable();
        assertThat(f.getExpected().getValue()).isEqualTo(1);
        assertThat(f.getActual().getValue()).isEqualTo(2);
        assertThat(Arrays.stream(f.getStackTrace()).map(StackTraceElement::toString))
                .as("the container's stack: the host never invoked fails()")
                .anyMatch(s -> s.contains("RemoteVerdicts.fails(RemoteVerdicts.java:"))
                .noneMatch(s -> s.contains("RemoteClass"));
    }

    @Test
    void anAbortedAssumptionSkipsWithItsReason() {
        Launch.Event e = results.get("[method:skips()]");
        assertThat(e.status()).isEqualTo(Status.ABORTED);
        assertThat(e.throwable()).isInstanceOf(TestAbortedException.class).hasMessage("Assumption failed: remote assumption");
    }

    @Test
    void aThrowableThatCannotBeSerialisedComesBackAsACopy() {
        Launch.Event e = results.get("[method:throwsWhatCannotBeSerialised()]");
        assertThat(e.status()).isEqualTo(Status.FAILED);
        assertThat(e.throwable()).isInstanceOf(io.jcma.junit.internal.RemoteThrowable.class)
                .hasMessage(RemoteVerdicts.class.getName() + "$Unserialisable: a field that does not cross");
        assertThat(e.throwable().getStackTrace()[0].getMethodName()).isEqualTo("throwsWhatCannotBeSerialised");
    }

    @Test
    void eachInvocationOfAParameterizedTestIsItsOwn() {
        assertThat(results.get("[test-template-invocation:#1]").status()).isEqualTo(Status.SUCCESSFUL);
        assertThat(results.get("[test-template-invocation:#2]").status()).isEqualTo(Status.SUCCESSFUL);
        Launch.Event third = results.get("[test-template-invocation:#3]");
        assertThat(third.status()).isEqualTo(Status.FAILED);
        assertThat(third.throwable()).hasMessageContaining("invocation value").hasMessageContaining("3");
    }

    @Test
    void aBeforeAllFailureInTheContainerFailsEachTest() {
        for (String m : new String[] {"first", "second"}) {
            Launch.Event e = results.get("RemoteBeforeAllFails]/[method:" + m + "()]");
            assertThat(e.status()).isEqualTo(Status.FAILED);
            assertThat(e.throwable()).isInstanceOf(IllegalStateException.class)
                    .hasMessage("beforeAll failed in the container");
        }
    }

    @Test
    void anAfterAllFailureInTheContainerFailsTheClass() {
        assertThat(results.get("RemoteAfterAllFails]/[method:passes()]").status()).isEqualTo(Status.SUCCESSFUL);
        Launch.Event cls = results.get("[class:" + RemoteAfterAllFails.class.getName() + "]");
        assertThat(cls.status()).isEqualTo(Status.FAILED);
        assertThat(cls.throwable()).hasMessage("afterAll failed in the container");
    }

    @Test
    void testsTheContainerOrdersDifferentlyStillRun() {
        for (String m : new String[] {"a", "b", "c"}) {
            assertThat(results.get("RemoteOrderDiffers]/[method:" + m + "()]").status()).as(m)
                    .isEqualTo(Status.SUCCESSFUL);
        }
    }

    @Test
    void aMethodCanStayOnTheHostInAContainerClass() {
        assertThat(results.get("MixedPlacement]/[method:inContainer()]").status()).isEqualTo(Status.SUCCESSFUL);
        assertThat(results.get("MixedPlacement]/[method:onHost()]").status()).isEqualTo(Status.SUCCESSFUL);
    }

    @Test
    void onlyTheTestsSelectedOnTheHostRunInTheContainer() {
        assertThat(results.get("RemoteSubset]/[method:second()]").status()).isEqualTo(Status.SUCCESSFUL);
        assertThat(results.find("RemoteSubset]/[method:first()]")).isEmpty();
        assertThat(results.out()).contains("jcma-fixture: RemoteSubset.second ran")
                .doesNotContain("RemoteSubset.first ran").doesNotContain("RemoteSubset.third ran");
    }

    @Test
    void theConfiguredImageOnTheEngineIsNotPulled() throws Exception {
        long until = System.currentTimeMillis() / 1000 + 1;
        String images = DockerApi.get("/events?since=" + since + "&until=" + until + "&filters="
                + URLEncoder.encode("{\"type\":[\"image\"]}", StandardCharsets.UTF_8)).body();
        String containers = DockerApi.get("/events?since=" + since + "&until=" + until + "&filters="
                + URLEncoder.encode("{\"type\":[\"container\"],\"label\":[\"io.jcma.container-path\"]}",
                StandardCharsets.UTF_8)).body();
        assertThat(containers).as("the run's container events").contains("\"Action\":\"start\"")
                .contains(DockerApi.image());
        assertThat(images).as("image events while the fixtures ran").doesNotContain("\"Action\":\"pull\"");
    }
}

package io.jcma.junit.internal;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * Whole test classes run in the container as they are, without lockstep and without needing
 * {@link io.jcma.junit.PhysicalAddresses}: the launcher runs them and every test's result, and
 * every class that did not succeed, is kept with what it printed.
 */
final class SuiteRun implements TestExecutionListener {
    private final ArrayList<ContainerSuite.Result> results = new ArrayList<>();

    private SuiteRun() {
    }

    static void start(List<String> classNames, Path reply) {
        Thread t = new Thread(() -> {
            SuiteRun run = new SuiteRun();
            try {
                LauncherFactory.create().execute(request()
                        .selectors(classNames.stream().map(n -> selectClass(n)).toList())
                        .build(), run);
            } catch (Throwable e) {
                run.results.add(new ContainerSuite.Result("[suite]", "suite", String.join(",", classNames), false,
                        RemoteServer.withOutput(Outcome.of(Outcome.Status.FAILED, e))));
            }
            RemoteServer.send(reply, run.results);
        }, "jcma-suite");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public synchronized void executionFinished(TestIdentifier id, TestExecutionResult r) {
        if (id.isTest() || r.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
            add(id, Outcome.of(r));
        }
    }

    @Override
    public synchronized void executionSkipped(TestIdentifier id, String reason) {
        add(id, Outcome.skipped(reason));
    }

    private void add(TestIdentifier id, Outcome o) {
        String klass = id.getSource().map(s -> switch (s) {
            case org.junit.platform.engine.support.descriptor.MethodSource m -> m.getClassName();
            case org.junit.platform.engine.support.descriptor.ClassSource c -> c.getClassName();
            default -> "";
        }).orElse("");
        results.add(new ContainerSuite.Result(id.getUniqueId(), id.getLegacyReportingName(), klass, id.isTest(),
                RemoteServer.withOutput(o)));
    }
}

package io.jcma.junit.internal;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Existing test classes, unchanged, run in a container and reported here one dynamic test per
 * test: for a {@code @TestFactory} that wants a whole suite (the native shim's hugepage tests,
 * say) where it can see physical addresses.
 */
public final class ContainerSuite {
    private ContainerSuite() {
    }

    /**
     * One test's (or failed class's) result.
     *
     * @param uid     its unique id
     * @param name    its legacy reporting name ("mapsLockedPopulatedHugetlbPages()", "[1] 4")
     * @param klass   the class it belongs to, by name
     * @param test    whether it is a test (else a container that failed or was skipped)
     * @param outcome how it ended, with its output
     */
    public record Result(String uid, String name, String klass, boolean test, Outcome outcome) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        public boolean passed() {
            return outcome.status() == Outcome.Status.SUCCESSFUL;
        }

        /** "SUCCESSFUL", or the status and the throwable: "ABORTED org.opentest4j...: reason". */
        public String verdict() {
            return passed() ? outcome.status().name() : outcome.status() + " " + outcome.failure();
        }
    }

    /**
     * Runs the classes in one new container of {@code image} and returns every test's result,
     * in the order they finished.
     *
     * @throws JdkContainer.ContainerStartException if the container did not start
     */
    public static List<Result> run(String image, List<String> classNames) {
        try (JdkContainer c = JdkContainer.server(image)) {
            @SuppressWarnings("unchecked")
            List<Result> results = Wire.decode(RemoteClass.request(c, "SUITE", "-",
                    String.join("\n", classNames)), List.class);
            return results;
        }
    }

    /** The results as dynamic nodes: one container per class, one test per result. */
    public static Stream<DynamicNode> asDynamicTests(List<Result> results) {
        Map<String, List<DynamicNode>> byClass = new LinkedHashMap<>();
        for (Result r : results) {
            String name = r.test() ? r.name() : r.name() + " (class)";
            byClass.computeIfAbsent(r.klass(), k -> new ArrayList<>()).add(DynamicTest.dynamicTest(name, () -> {
                Outcome o = r.outcome();
                if (!o.out().isEmpty()) {
                    System.out.print(o.out());
                }
                if (!o.err().isEmpty()) {
                    System.err.print(o.err());
                }
                if (o.status() != Outcome.Status.SUCCESSFUL) {
                    throw o.failure();
                }
            }));
        }
        return byClass.entrySet().stream().map(e -> DynamicContainer.dynamicContainer(
                e.getKey().substring(e.getKey().lastIndexOf('.') + 1), e.getValue()));
    }
}

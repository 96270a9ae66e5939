package io.jcma.dma;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module's structure, read from its class files: the implementation packages import each
 * other in one direction only, and the API package names the implementation only where an API
 * type is implemented (the permits clauses and the static factories, as java.lang.foreign names
 * jdk.internal.foreign); the sources stay under the size the project allows.
 */
class PackageStructureTest {
    private static final String API = "io.jcma.dma";
    private static final Pattern CLASS_NAME = Pattern.compile("io/jcma/dma(?:/[a-z]+)*/[A-Z][\\w$]*");

    /** Class name to the names of the dma-api classes it refers to. */
    private static final Map<String, Set<String>> REFS = new TreeMap<>();

    @BeforeAll
    static void readClassFiles() throws IOException, URISyntaxException {
        Path root = Path.of(Dma.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(root).as("dma-api's classes as a directory (the reactor build)").isDirectory();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                ClassModel cm = ClassFile.of().parse(p);
                String name = cm.thisClass().asInternalName().replace('/', '.');
                if (name.endsWith("module-info") || name.endsWith("package-info")) {
                    continue;
                }
                Set<String> refs = new TreeSet<>();
                for (PoolEntry e : cm.constantPool()) {
                    if (e instanceof Utf8Entry u) {
                        Matcher m = CLASS_NAME.matcher(u.stringValue());
                        while (m.find()) {
                            refs.add(m.group().replace('/', '.'));
                        }
                    }
                }
                REFS.put(name, refs);
            }
        }
        assertThat(REFS).containsKey(API + ".internal.DmaImpl");
    }

    private static String pkg(String className) {
        return className.substring(0, className.lastIndexOf('.'));
    }

    @Test
    void theApiNamesOnlyImplementationsOfItsOwnTypes() throws ClassNotFoundException {
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : REFS.entrySet()) {
            if (!pkg(e.getKey()).equals(API)) {
                continue;
            }
            for (String ref : e.getValue()) {
                if (pkg(ref).equals(API) || !REFS.containsKey(ref)) {
                    continue;
                }
                Class<?> c = Class.forName(ref, false, getClass().getClassLoader());
                boolean implementsApi = Stream.of(c.getInterfaces()).anyMatch(i -> i.getPackageName().equals(API));
                if (!implementsApi) {
                    wrong.add(e.getKey() + " -> " + ref);
                }
            }
        }
        assertThat(wrong).as("API classes naming implementation classes that implement no API type").isEmpty();
    }

    @Test
    void theImplementationPackagesFormNoCycle() {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (Map.Entry<String, Set<String>> e : REFS.entrySet()) {
            String from = pkg(e.getKey());
            Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
            for (String ref : e.getValue()) {
                String p = pkg(ref);
                // the API's edges into the implementation are the seam checked above
                if (!p.equals(from) && REFS.containsKey(ref) && !from.equals(API)) {
                    to.add(p);
                }
            }
        }
        assertThat(graph).containsKeys(API + ".internal", API + ".internal.debug", API + ".internal.swiotlb",
                API + ".internal.iommu");
        assertThat(graph.get(API + ".internal.debug")).containsOnly(API);
        assertThat(graph.get(API + ".internal.iommu")).containsOnly(API);
        assertThat(graph.get(API + ".internal.swiotlb")).containsOnly(API);
        assertThat(cycles(graph)).isEmpty();
    }

    /** Every package that can reach itself again, with the path that shows it. */
    private static List<String> cycles(Map<String, Set<String>> graph) {
        List<String> found = new ArrayList<>();
        for (String start : graph.keySet()) {
            List<List<String>> paths = new ArrayList<>(List.of(List.of(start)));
            Set<String> seen = new TreeSet<>();
            while (!paths.isEmpty()) {
                List<String> path = paths.removeFirst();
                for (String next : graph.getOrDefault(path.getLast(), Set.of())) {
                    List<String> longer = new ArrayList<>(path);
                    longer.add(next);
                    if (next.equals(start)) {
                        found.add(String.join(" -> ", longer));
                    } else if (seen.add(next)) {
                        paths.add(longer);
                    }
                }
            }
        }
        return found;
    }

    @Test
    void theCyclesCheckFindsACycle() {
        Map<String, Set<String>> g = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertThat(cycles(g)).contains("a -> b -> c -> a").hasSize(3);
    }

    @Test
    void everySourceFileStaysUnderSixHundredLines() throws IOException {
        Path src = Path.of("src/main/java");
        assertThat(src).as("run from the module's directory, as surefire does").isDirectory();
        List<String> big = new ArrayList<>();
        try (Stream<Path> files = Files.walk(src)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                long lines;
                try (Stream<String> l = Files.lines(p)) {
                    lines = l.count();
                }
                if (lines > 600) {
                    big.add(p + ": " + lines);
                }
            }
        }
        assertThat(big).isEmpty();
    }

    @Test
    void theScanSeesPermitsClausesAndFactories() {
        assertThat(REFS.get(API + ".Dma")).contains(API + ".internal.DmaImpl", API + ".internal.DmaHook");
        assertThat(REFS.get(API + ".DmaBuf$Attachment")).contains(API + ".internal.DmaBufImpl$AttachmentImpl");
        assertThat(REFS.get(API + ".internal.DmaImpl")).contains(API + ".internal.swiotlb.Swiotlb",
                API + ".internal.debug.DmaDebugImpl");
    }
}

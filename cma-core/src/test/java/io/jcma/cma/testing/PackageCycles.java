package io.jcma.cma.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The package graph of one jcma module, read from its compiled classes, and the cycles in it: a
 * build check that no two packages of a module import each other. Any module's tests can run it
 * on their own classes (cma-core publishes it in its test-jar):
 *
 * <pre>{@code
 *   @Test void noPackageCycles() { PackageCycles.assertNone(Dma.class); }   // Dma's module
 * }</pre>
 *
 * <h2>What counts as an import</h2>
 * Every class a compiled class names: the class entries of its constant pool (supertypes,
 * {@code new}, casts, field and method owners, class literals, nested classes) and the class
 * names inside its descriptors and generic signatures (field and parameter types, type
 * arguments, annotations). That is what javac links, so an import line that nothing uses does
 * not count and a fully qualified name in code does. References outside the scanned module are
 * ignored.
 *
 * <h2>API and implementation are one unit</h2>
 * A package and its {@code .internal} package are one node of the graph
 * ({@code io.jcma.cma.mm} with {@code io.jcma.cma.mm.internal}): a public sealed interface
 * permits the public final classes of the unexported package and hands out their instances from
 * static factories, while those classes implement it, exactly as {@code java.lang.foreign} and
 * {@code jdk.internal.foreign} do. Any other pair of packages that reach each other, directly or
 * round a longer loop, is a cycle.
 */
public final class PackageCycles {
    /** A class name inside a descriptor, a signature or an array class entry: {@code Lio/jcma/X;}. */
    private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L([A-Za-z0-9_$/]+)[;<]");

    /** unit -> unit -> one example "from.Class -> to.Class". */
    private final Map<String, Map<String, String>> edges;
    private final List<List<String>> cycles;

    private PackageCycles(Map<String, Map<String, String>> edges) {
        this.edges = edges;
        this.cycles = stronglyConnected(edges);
    }

    /**
     * Reads every class of the module (or class path entry) that {@code anyClass} was loaded
     * from: its classes directory or its jar.
     *
     * @throws IllegalArgumentException if the class has no code source (a JDK class)
     */
    public static PackageCycles ofModuleOf(Class<?> anyClass) {
        CodeSource cs = anyClass.getProtectionDomain().getCodeSource();
        if (cs == null || cs.getLocation() == null) {
            throw new IllegalArgumentException("class: " + anyClass.getName() + " (expected: one loaded from a jar or"
                    + " a classes directory)");
        }
        try {
            return scan(Path.of(cs.getLocation().toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("code source: " + cs.getLocation(), e);
        }
    }

    /**
     * Reads every {@code .class} file under a classes directory, or in a jar.
     *
     * @throws UncheckedIOException if the directory or jar cannot be read
     */
    public static PackageCycles scan(Path classesDirOrJar) {
        Map<String, byte[]> classes = new TreeMap<>();
        try {
            if (Files.isDirectory(classesDirOrJar)) {
                try (Stream<Path> files = Files.walk(classesDirOrJar)) {
                    for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                        classes.put(classesDirOrJar.relativize(p).toString(), Files.readAllBytes(p));
                    }
                }
            } else {
                try (JarFile jar = new JarFile(classesDirOrJar.toFile())) {
                    for (Enumeration<JarEntry> en = jar.entries(); en.hasMoreElements(); ) {
                        JarEntry e = en.nextElement();
                        if (e.getName().endsWith(".class")) {
                            try (var in = jar.getInputStream(e)) {
                                classes.put(e.getName(), in.readAllBytes());
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + classesDirOrJar, e);
        }
        return fromClassFiles(classes.values());
    }

    private static PackageCycles fromClassFiles(Iterable<byte[]> classFiles) {
        Map<String, Set<String>> refs = new TreeMap<>();
        for (byte[] bytes : classFiles) {
            ClassModel cm = ClassFile.of().parse(bytes);
            if (cm.isModuleInfo()) {
                continue;
            }
            Set<String> named = new TreeSet<>();
            for (PoolEntry e : cm.constantPool()) {
                if (e instanceof ClassEntry c) {
                    String n = c.asInternalName();
                    if (n.startsWith("[")) {
                        addDescriptorClasses(n, named);
                    } else {
                        named.add(n);
                    }
                } else if (e instanceof Utf8Entry u) {
                    addDescriptorClasses(u.stringValue(), named);
                }
            }
            refs.put(cm.thisClass().asInternalName(), named);
        }
        Map<String, Map<String, String>> edges = new TreeMap<>();
        for (var e : refs.entrySet()) {
            String fromUnit = unitOf(packageOf(e.getKey()));
            edges.computeIfAbsent(fromUnit, k -> new TreeMap<>());
            for (String to : e.getValue()) {
                if (!refs.containsKey(to)) {
                    continue; // outside the module
                }
                String toUnit = unitOf(packageOf(to));
                if (!toUnit.equals(fromUnit)) {
                    edges.get(fromUnit).putIfAbsent(toUnit, dotted(e.getKey()) + " -> " + dotted(to));
                }
            }
        }
        return new PackageCycles(edges);
    }

    private static void addDescriptorClasses(String text, Set<String> out) {
        if (text.indexOf('L') < 0 || text.indexOf('/') < 0) {
            return;
        }
        Matcher m = DESCRIPTOR_CLASS.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
    }

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash).replace('/', '.');
    }

    private static String dotted(String internalName) {
        return internalName.replace('/', '.');
    }

    /**
     * The unit a package belongs to: itself, or for {@code X.internal} and the packages under it,
     * {@code X}.
     */
    public static String unitOf(String pkg) {
        if (pkg.endsWith(".internal")) {
            return pkg.substring(0, pkg.length() - ".internal".length());
        }
        int i = pkg.indexOf(".internal.");
        return i < 0 ? pkg : pkg.substring(0, i);
    }

    /** The units (packages with their .internal) and the units each one imports. */
    public Map<String, Set<String>> graph() {
        Map<String, Set<String>> out = new TreeMap<>();
        edges.forEach((from, to) -> out.put(from, new TreeSet<>(to.keySet())));
        return out;
    }

    /** Each set of units that reach each other, sorted; empty when the graph has no cycle. */
    public List<List<String>> cycles() {
        return cycles;
    }

    /** One line per cycle and one per import inside it, with a class that makes it. */
    public String report() {
        StringBuilder sb = new StringBuilder();
        for (List<String> c : cycles) {
            sb.append("packages import each other: ").append(String.join(", ", c)).append('\n');
            for (String from : c) {
                for (var e : edges.get(from).entrySet()) {
                    if (c.contains(e.getKey())) {
                        sb.append("  ").append(from).append(" -> ").append(e.getKey()).append(" (")
                                .append(e.getValue()).append(")\n");
                    }
                }
            }
        }
        return sb.toString();
    }

    /**
     * Fails when two packages of {@code anyClass}'s module import each other.
     *
     * @throws AssertionError naming every cycle and a class reference of each import in it
     */
    public static void assertNone(Class<?> anyClass) {
        ofModuleOf(anyClass).assertNoCycles();
    }

    /**
     * Fails when this graph has a cycle.
     *
     * @throws AssertionError naming every cycle and a class reference of each import in it
     */
    public void assertNoCycles() {
        if (!cycles.isEmpty()) {
            throw new AssertionError(report());
        }
    }

    /** Tarjan's algorithm over the unit graph: components of more than one unit. */
    private static List<List<String>> stronglyConnected(Map<String, Map<String, String>> edges) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> out = new ArrayList<>();
        int[] next = {0};
        for (String v : edges.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, edges, index, low, stack, onStack, out, next);
            }
        }
        out.sort((a, b) -> a.getFirst().compareTo(b.getFirst()));
        return List.copyOf(out);
    }

    private static void connect(String v, Map<String, Map<String, String>> edges, Map<String, Integer> index,
                                Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                                List<List<String>> out, int[] next) {
        index.put(v, next[0]);
        low.put(v, next[0]);
        next[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : edges.getOrDefault(v, new LinkedHashMap<>()).keySet()) {
            if (!index.containsKey(w)) {
                connect(w, edges, index, low, stack, onStack, out, next);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> comp = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                comp.add(w);
            } while (!w.equals(v));
            if (comp.size() > 1) {
                comp.sort(null);
                out.add(List.copyOf(comp));
            }
        }
    }
}

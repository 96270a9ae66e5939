package io.jcma.cma.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.FieldModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.MethodTypeEntry;
import java.lang.classfile.constantpool.NameAndTypeEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Package rules checked on compiled classes with the JDK's ClassFile API: which classes each
 * class refers to (its constant pool's classes, the types in the descriptors of its own and
 * its referenced members, and its generic signatures), and the rules a module's packages
 * follow over that graph. Any module's tests can use it (cma-core's test-jar).
 */
public final class PackageRules {
    private static final Pattern TYPE = Pattern.compile("L([\\w/$]+)[;<]");

    /** One class and the classes it refers to (binary names with dots), itself excluded. */
    public record ClassRefs(String name, Set<String> refs) {
        public String pkg() {
            return packageOf(name);
        }
    }

    private PackageRules() {
    }

    public static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    /** The simple name of a possibly nested class: "a.b.Outer$Inner" gives "Outer$Inner". */
    public static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /** Every class file under {@code dir} (module-info and package-info left out). */
    public static List<ClassRefs> scan(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("dir: " + dir + " (expected: a directory of compiled classes)");
        }
        List<ClassRefs> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                String n = f.getFileName().toString();
                if (n.equals("module-info.class") || n.equals("package-info.class")) {
                    continue;
                }
                out.add(read(Files.readAllBytes(f)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The references of one class file. */
    public static ClassRefs read(byte[] classFile) {
        ClassModel cm = ClassFile.of().parse(classFile);
        String self = cm.thisClass().asInternalName().replace('/', '.');
        Set<String> refs = new TreeSet<>();
        for (PoolEntry e : cm.constantPool()) {
            switch (e) {
                case ClassEntry c -> addInternal(refs, c.asInternalName());
                case NameAndTypeEntry nt -> addDescriptor(refs, nt.type().stringValue());
                case MethodTypeEntry mt -> addDescriptor(refs, mt.descriptor().stringValue());
                default -> {
                }
            }
        }
        for (FieldModel f : cm.fields()) {
            addDescriptor(refs, f.fieldType().stringValue());
            f.findAttribute(Attributes.signature()).ifPresent(s -> addDescriptor(refs, s.signature().stringValue()));
        }
        for (MethodModel m : cm.methods()) {
            addDescriptor(refs, m.methodType().stringValue());
            m.findAttribute(Attributes.signature()).ifPresent(s -> addDescriptor(refs, s.signature().stringValue()));
        }
        cm.findAttribute(Attributes.signature()).ifPresent(s -> addDescriptor(refs, s.signature().stringValue()));
        refs.remove(self);
        return new ClassRefs(self, refs);
    }

    private static void addInternal(Set<String> refs, String internal) {
        if (internal.startsWith("[")) {
            addDescriptor(refs, internal);
        } else {
            refs.add(internal.replace('/', '.'));
        }
    }

    private static void addDescriptor(Set<String> refs, String descriptor) {
        Matcher m = TYPE.matcher(descriptor);
        while (m.find()) {
            refs.add(m.group(1).replace('/', '.'));
        }
    }

    /** Package to the packages its classes refer to, within {@code prefix} (e.g. "io.jcma.devices"). */
    public static Map<String, Set<String>> packageGraph(List<ClassRefs> classes, String prefix) {
        Map<String, Set<String>> g = new TreeMap<>();
        for (ClassRefs c : classes) {
            Set<String> to = g.computeIfAbsent(c.pkg(), k -> new TreeSet<>());
            for (String r : c.refs()) {
                String p = packageOf(r);
                if (!p.equals(c.pkg()) && within(p, prefix)) {
                    to.add(p);
                }
            }
        }
        return g;
    }

    /** Whether {@code pkg} is {@code prefix} or below it. */
    public static boolean within(String pkg, String prefix) {
        return pkg.equals(prefix) || pkg.startsWith(prefix + ".");
    }

    /**
     * Pairs of packages that refer to each other, as "a <-> b" with one class each way as the
     * evidence, except the pairs {@code allowed} accepts (given in name order).
     */
    public static List<String> mutualReferences(List<ClassRefs> classes, String prefix,
                                                BiPredicate<String, String> allowed) {
        Map<String, Set<String>> g = packageGraph(classes, prefix);
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : g.entrySet()) {
            String a = e.getKey();
            for (String b : e.getValue()) {
                if (a.compareTo(b) < 0 && g.getOrDefault(b, Set.of()).contains(a) && !allowed.test(a, b)) {
                    out.add(a + " <-> " + b + " (" + evidence(classes, a, b) + "; " + evidence(classes, b, a) + ")");
                }
            }
        }
        return out;
    }

    private static String evidence(List<ClassRefs> classes, String from, String to) {
        for (ClassRefs c : classes) {
            if (c.pkg().equals(from)) {
                for (String r : c.refs()) {
                    if (packageOf(r).equals(to)) {
                        return c.name() + " -> " + r;
                    }
                }
            }
        }
        return "?";
    }

    /**
     * "Class -> referenced class" for every reference from a class {@code from} accepts to a
     * class {@code guarded} accepts that {@code allowed} refuses.
     */
    public static List<String> forbidden(List<ClassRefs> classes, Predicate<ClassRefs> from, Predicate<String> guarded,
                                         Predicate<String> allowed) {
        List<String> out = new ArrayList<>();
        for (ClassRefs c : classes) {
            if (!from.test(c)) {
                continue;
            }
            for (String r : c.refs()) {
                if (guarded.test(r) && !allowed.test(r)) {
                    out.add(c.name() + " -> " + r);
                }
            }
        }
        return out;
    }
}

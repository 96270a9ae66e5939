package io.jcma.cma.kernel;

import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The caller of a layer, as the kernel's {@code _RET_IP_} / {@code %pS} names it in a report: the
 * first stack frame that belongs neither to the JDK nor to one of the layers given. A layer is
 * named by an anchor class: its frames are those of the anchor's package and the packages below
 * it that come from the anchor's code source (jar or classes directory). Both tests matter: in
 * one shaded jar every layer shares a code source, and on a test class path a test shares its
 * package with the layer it tests. No package name is written down twice.
 *
 * <pre>{@code
 *   static final CallSite CALLER = CallSite.outside(Cma.class);     // once per layer
 *   String where = CALLER.find();    // "com.example.MyDriver.probe(MyDriver.java:42)"
 * }</pre>
 */
public final class CallSite {
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    /** The frames of one layer: a package and those below it, from one code source. */
    private record Layer(String pkg, String location) {
        boolean owns(Class<?> c, String where) {
            String p = c.getPackageName();
            return where.equals(location) && (p.equals(pkg) || p.startsWith(pkg + "."));
        }
    }

    private final List<Layer> layers;

    private CallSite(List<Layer> layers) {
        this.layers = layers;
    }

    /**
     * A finder that skips the frames of the layers {@code anchors} name.
     *
     * @throws IllegalArgumentException if no anchor is given, or an anchor has no code source
     *                                  (a JDK class)
     */
    public static CallSite outside(Class<?>... anchors) {
        if (anchors.length == 0) {
            throw new IllegalArgumentException("anchors: none (expected: at least one class of the layer)");
        }
        List<Layer> out = new ArrayList<>();
        for (Class<?> a : anchors) {
            String where = location(a);
            if (where == null) {
                throw new IllegalArgumentException("anchor: " + a.getName() + " (expected: a class with a code source)");
            }
            Layer l = new Layer(a.getPackageName(), where);
            if (!out.contains(l)) {
                out.add(l);
            }
        }
        return new CallSite(List.copyOf(out));
    }

    /** This finder with the layers {@code anchors} name skipped too (a layer above this one). */
    public CallSite also(Class<?>... anchors) {
        List<Layer> more = new ArrayList<>(layers);
        for (Layer l : outside(anchors).layers) {
            if (!more.contains(l)) {
                more.add(l);
            }
        }
        return new CallSite(List.copyOf(more));
    }

    /** The first frame outside the layers and the JDK, as "Class.method(File:line)", or "-". */
    public String find() {
        return WALKER.walk(s -> s
                .filter(f -> !skipped(f.getDeclaringClass()))
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .orElse("-"));
    }

    private boolean skipped(Class<?> c) {
        if (c == CallSite.class) {
            return true;
        }
        String where = location(c);
        // JDK classes have no code source
        if (where == null) {
            return true;
        }
        for (Layer l : layers) {
            if (l.owns(c, where)) {
                return true;
            }
        }
        return false;
    }

    private static String location(Class<?> c) {
        CodeSource cs = c.getProtectionDomain().getCodeSource();
        return cs == null || cs.getLocation() == null ? null : cs.getLocation().toString();
    }
}

package io.jcma.cma.kernel;

import java.security.CodeSource;
import java.util.List;
import java.util.Objects;

/**
 * The caller of a layer, as the kernel's {@code _RET_IP_} / {@code %pS} names it in a report: the
 * first stack frame that belongs neither to the JDK nor to one of the layers given. A layer is
 * the code source (jar or classes directory) of an anchor class, so the test is the same on the
 * module path and the class path, and no package name is written down twice.
 *
 * <pre>{@code
 *   static final CallSite CALLER = CallSite.outside(Cma.class);     // once per layer
 *   String where = CALLER.find();    // "com.example.MyDriver.probe(MyDriver.java:42)"
 * }</pre>
 */
public final class CallSite {
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private final List<String> layers;

    private CallSite(List<String> layers) {
        this.layers = layers;
    }

    /**
     * A finder that skips the frames of the code sources of {@code anchors}.
     *
     * @throws IllegalArgumentException if no anchor is given
     */
    public static CallSite outside(Class<?>... anchors) {
        if (anchors.length == 0) {
            throw new IllegalArgumentException("anchors: none (expected: at least one class of the layer)");
        }
        List<String> locations = java.util.Arrays.stream(anchors).map(CallSite::location).filter(Objects::nonNull)
                .distinct().toList();
        return new CallSite(locations);
    }

    /** This finder with the code sources of {@code anchors} skipped too (a layer above this one). */
    public CallSite also(Class<?>... anchors) {
        List<String> more = new java.util.ArrayList<>(layers);
        for (String l : outside(anchors).layers) {
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
        // JDK classes have no code source; neither do hidden classes (lambda forms)
        return where == null || layers.contains(where);
    }

    private static String location(Class<?> c) {
        CodeSource cs = c.getProtectionDomain().getCodeSource();
        return cs == null || cs.getLocation() == null ? null : cs.getLocation().toString();
    }
}

package io.jcma.junit.internal;

import io.jcma.junit.PhysicalAddresses;
import io.jcma.junit.PhysicalAddresses.Where;
import io.jcma.junit.Placement;
import io.jcma.shim.HugepageSize;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides {@link Placement}s and remembers them per test: one decision per unique id, kept in
 * the context's store, so the lifecycle methods and the test of one context agree.
 */
public final class Placements {
    static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(Placements.class);
    /** Set to true on the JVM the container path starts inside the container. */
    static final String INSIDE_PROPERTY = "jcma.container.inside";

    private Placements() {
    }

    /**
     * What a test needs.
     *
     * @param bytes the hugepage size
     * @param pages free hugepages it maps, 0 for none
     * @param where where it asked to run
     */
    record Requirement(long bytes, int pages, Where where) {
        static Requirement of(PhysicalAddresses a) {
            return of(a.size(), a.hugepages(), a.where());
        }

        static Requirement of(String size, int pages, Where where) {
            if (pages < 0) {
                throw new IllegalArgumentException("hugepages: " + pages + " (expected: >= 0)");
            }
            return new Requirement(HugepageSize.parse(size).bytes(), pages, where);
        }
    }

    public static boolean insideContainer() {
        return Boolean.getBoolean(INSIDE_PROPERTY);
    }

    public static Placement of(ExtensionContext context) {
        return context.getStore(NS).getOrComputeIfAbsent(key("placement", context), k -> decide(context),
                Placement.class);
    }

    public static Placement require(ExtensionContext context, String size, int hugepages) {
        Requirement r = Requirement.of(size, hugepages, Where.AUTO);
        ExtensionContext.Store store = context.getStore(NS);
        store.put(key("requirement", context), r);
        Placement p = decide(context);
        store.put(key("placement", context), p);
        return p;
    }

    private static String key(String what, ExtensionContext context) {
        // Stores see their parents' entries: the unique id keeps a method from reading its class's.
        return what + ":" + context.getUniqueId();
    }

    private static Placement decide(ExtensionContext context) {
        Optional<Requirement> r = requirement(context);
        if (r.isEmpty()) {
            return context.getParent().filter(p -> p.getTestClass().isPresent()).map(Placements::of)
                    .orElseGet(() -> new Placement.Here("no @PhysicalAddresses and no requirement"));
        }
        return decide(r.get(), insideContainer(), HostFacts.self(), Engine.mode(System::getProperty, System::getenv),
                Engine::missing, Engine.image(null));
    }

    private static Optional<Requirement> requirement(ExtensionContext context) {
        Requirement stored = context.getStore(NS).get(key("requirement", context), Requirement.class);
        if (stored != null) {
            return Optional.of(stored);
        }
        return context.getElement().flatMap(e -> AnnotationSupport.findAnnotation(e, PhysicalAddresses.class))
                .map(Requirement::of);
    }

    /**
     * The decision, from the host alone.
     *
     * <ol>
     *   <li>Inside the container: here (the container was started to give what is needed).</li>
     *   <li>Too few free hugepages: nowhere (a container shares the host kernel's pools).</li>
     *   <li>{@code where} (AUTO takes the user's mode): HOST here; CONTAINER in a container;
     *       AUTO here when pagemap shows this process real pfns, else in a container.</li>
     *   <li>In a container, but no Docker engine answers: nowhere.</li>
     * </ol>
     */
    static Placement decide(Requirement r, boolean inside, HostFacts host, Where mode,
                            Supplier<Optional<String>> engineMissing, String image) {
        if (inside) {
            return new Placement.Here("inside the container the container path started");
        }
        Optional<String> noPages = host.hugepagesMissing(r.bytes(), r.pages());
        if (noPages.isPresent()) {
            return new Placement.Unavailable(noPages.get());
        }
        Where where = r.where() == Where.AUTO ? mode : r.where();
        Optional<String> hidden = host.physicalAddressesHidden();
        String why;
        switch (where) {
            case HOST -> {
                return new Placement.Here("where=HOST" + hidden.map(h -> " (" + h + ")").orElse(""));
            }
            case AUTO -> {
                if (hidden.isEmpty()) {
                    return new Placement.Here("CapEff 0x" + Long.toHexString(host.capEff())
                            + " has CAP_SYS_ADMIN (bit 21) and /proc/self/pagemap is readable");
                }
                why = hidden.get();
            }
            case CONTAINER -> why = "where=CONTAINER";
            default -> throw new AssertionError(where);
        }
        Optional<String> noEngine = engineMissing.get();
        if (noEngine.isPresent()) {
            return new Placement.Unavailable(why + ", and no container to run it in: " + noEngine.get());
        }
        return new Placement.InContainer(image, why);
    }
}

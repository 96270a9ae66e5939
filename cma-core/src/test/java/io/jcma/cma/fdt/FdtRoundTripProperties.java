package io.jcma.cma.fdt;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random trees, described by a tiny model (nested maps of names to byte values), written with
 * {@link FdtWriter}: the parser must give back exactly the model, and re-writing the parsed
 * tree must give back exactly the blob.
 */
class FdtRoundTripProperties {
    /** The reference model: a node's properties and children, in order. */
    record Model(String name, Map<String, byte[]> props, List<Model> children) {
    }

    @Provide
    Arbitrary<Model> trees() {
        return node(0);
    }

    private Arbitrary<Model> node(int depth) {
        Arbitrary<String> name = depth == 0 ? Arbitraries.just("")
                : Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12)
                .flatMap(n -> Arbitraries.of("", "@1000", "@0", "@fe000000").map(u -> n + u));
        Arbitrary<Map<String, byte[]>> props = Arbitraries.maps(
                Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz,#-").ofMinLength(1).ofMaxLength(16)
                        .filter(s -> !s.equals("phandle") && !s.equals("linux,phandle")),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40)).ofMaxSize(5);
        Arbitrary<List<Model>> children = depth >= 4 ? Arbitraries.just(List.of())
                : Arbitraries.lazy(() -> node(depth + 1)).list().ofMaxSize(3)
                .filter(l -> l.stream().map(Model::name).distinct().count() == l.size());
        return net.jqwik.api.Combinators.combine(name, props, children)
                .as((n, p, c) -> new Model(n, new LinkedHashMap<>(p), c));
    }

    private static void write(FdtWriter w, Model m) {
        w.beginNode(m.name());
        m.props().forEach(w::property);
        for (Model c : m.children()) {
            write(w, c);
        }
        w.endNode();
    }

    private static void check(Model m, FdtNode n) {
        assertThat(n.name()).isEqualTo(m.name());
        assertThat(n.properties().keySet()).containsExactlyElementsOf(m.props().keySet());
        m.props().forEach((k, v) -> assertThat(n.property(k).orElseThrow().bytes()).isEqualTo(v));
        assertThat(n.children()).hasSameSizeAs(m.children());
        for (int i = 0; i < m.children().size(); i++) {
            check(m.children().get(i), n.children().get(i));
        }
    }

    @Property(tries = 300)
    void parseGivesBackTheModelAndWriteGivesBackTheBlob(@ForAll("trees") Model model, @ForAll int cpu,
                                                       @ForAll("reservations") List<Long> rsv) {
        FdtWriter w = FdtWriter.create();
        List<Fdt.Reservation> expected = new ArrayList<>();
        for (int i = 0; i + 1 < rsv.size(); i += 2) {
            w.memReserve(rsv.get(i), rsv.get(i + 1));
            expected.add(new Fdt.Reservation(rsv.get(i), rsv.get(i + 1)));
        }
        write(w, model);
        byte[] blob = w.finish(cpu);
        Fdt f = Fdt.parse(blob);
        assertThat(f.bootCpuidPhys()).isEqualTo(cpu);
        assertThat(f.memReserve()).isEqualTo(expected);
        check(model, f.root());
        assertThat(FdtWriter.write(f)).isEqualTo(blob);
    }

    @Provide
    Arbitrary<List<Long>> reservations() {
        return Arbitraries.longs().between(1, Long.MAX_VALUE).list().ofMaxSize(6);
    }
}

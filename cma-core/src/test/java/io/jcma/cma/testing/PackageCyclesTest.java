package io.jcma.cma.testing;

import io.jcma.cma.Cma;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.classfile.ClassBuilder;
import java.lang.classfile.ClassFile;
import java.lang.classfile.Signature;
import java.lang.classfile.attribute.SignatureAttribute;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PackageCyclesTest {
    @TempDir
    Path dir;

    /** Writes class {@code name} (dotted) under {@link #dir}, extends Object, plus what {@code body} adds. */
    private void cls(String name, Consumer<ClassBuilder> body) throws IOException {
        byte[] b = ClassFile.of().build(ClassDesc.of(name), cb -> {
            cb.withSuperclass(ConstantDescs.CD_Object);
            body.accept(cb);
        });
        Path p = dir.resolve(name.replace('.', '/') + ".class");
        Files.createDirectories(p.getParent());
        Files.write(p, b);
    }

    private static Consumer<ClassBuilder> field(String type) {
        return cb -> cb.withField("f", ClassDesc.of(type), ClassFile.ACC_PRIVATE);
    }

    @Test
    void cmaCoreHasNoPackageCycles() {
        PackageCycles p = PackageCycles.ofModuleOf(Cma.class);
        assertThat(p.graph()).containsKeys("io.jcma.cma", "io.jcma.cma.mm", "io.jcma.cma.boot", "io.jcma.cma.kernel");
        assertThat(p.cycles()).as(p.report()).isEmpty();
        PackageCycles.assertNone(Cma.class);
    }

    @Test
    void twoPackagesThatImportEachOtherAreACycle() throws IOException {
        cls("x.a.A", field("x.b.B"));
        cls("x.b.B", field("x.a.A"));
        PackageCycles p = PackageCycles.scan(dir);
        assertThat(p.cycles()).containsExactly(List.of("x.a", "x.b"));
        assertThat(p.report()).contains("packages import each other: x.a, x.b", "x.a -> x.b (x.a.A -> x.b.B)",
                "x.b -> x.a (x.b.B -> x.a.A)");
    }

    @Test
    void aLongerLoopIsOneCycle() throws IOException {
        cls("x.a.A", field("x.b.B"));
        cls("x.b.B", field("x.c.C"));
        cls("x.c.C", field("x.a.A"));
        cls("x.d.D", field("x.a.A"));
        assertThat(PackageCycles.scan(dir).cycles()).containsExactly(List.of("x.a", "x.b", "x.c"));
    }

    @Test
    void oneWayImportsAreNoCycle() throws IOException {
        cls("x.a.A", field("x.b.B"));
        cls("x.b.B", field("java.lang.String"));
        PackageCycles p = PackageCycles.scan(dir);
        assertThat(p.cycles()).isEmpty();
        assertThat(p.graph()).isEqualTo(Map.of("x.a", Set.of("x.b"), "x.b", Set.of()));
    }

    @Test
    void aPackageAndItsInternalPackageAreOneUnit() throws IOException {
        // the API's sealed interface permits the implementation, which implements it
        cls("x.a.Api", field("x.a.internal.Impl"));
        cls("x.a.internal.Impl", cb -> cb.withInterfaceSymbols(ClassDesc.of("x.a.Api")));
        cls("x.a.internal.deep.More", field("x.a.Api"));
        PackageCycles p = PackageCycles.scan(dir);
        assertThat(p.cycles()).isEmpty();
        assertThat(p.graph()).containsOnlyKeys("x.a");
        assertThat(PackageCycles.unitOf("io.jcma.cma.mm.internal")).isEqualTo("io.jcma.cma.mm");
        assertThat(PackageCycles.unitOf("io.jcma.cma.internal")).isEqualTo("io.jcma.cma");
        assertThat(PackageCycles.unitOf("io.jcma.cma.internalish")).isEqualTo("io.jcma.cma.internalish");
    }

    @Test
    void anInternalPackageThatImportsAnotherUnitBackIsACycle() throws IOException {
        cls("x.a.Api", field("x.b.B"));
        cls("x.b.B", field("x.a.internal.Impl"));
        cls("x.a.internal.Impl", field("java.lang.Object"));
        assertThat(PackageCycles.scan(dir).cycles()).containsExactly(List.of("x.a", "x.b"));
    }

    @Test
    void methodDescriptorsSignaturesAndCodeCount() throws IOException {
        // x.a reaches x.b only through a parameter type, x.b reaches x.c only through a type
        // argument, x.c reaches x.a only through a `new` in code
        cls("x.a.A", cb -> cb.withMethod("m", MethodTypeDesc.of(ConstantDescs.CD_void, ClassDesc.of("x.b.B")),
                ClassFile.ACC_PUBLIC | ClassFile.ACC_ABSTRACT, mb -> { }));
        cls("x.b.B", cb -> cb.withField("l", ClassDesc.of("java.util.List"), fb -> fb.withFlags(ClassFile.ACC_PRIVATE)
                .with(SignatureAttribute.of(Signature.parseFrom("Ljava/util/List<Lx/c/C;>;")))));
        cls("x.c.C", cb -> cb.withMethod("n", MethodTypeDesc.of(ConstantDescs.CD_void), ClassFile.ACC_STATIC,
                mb -> mb.withCode(code -> code.new_(ClassDesc.of("x.a.A")).pop().return_())));
        assertThat(PackageCycles.scan(dir).cycles()).containsExactly(List.of("x.a", "x.b", "x.c"));
    }

    @Test
    void arraysOfAClassCount() throws IOException {
        cls("x.a.A", field("x.b.B"));
        cls("x.b.B", cb -> cb.withField("arr", ClassDesc.of("x.a.A").arrayType(), ClassFile.ACC_PRIVATE));
        assertThat(PackageCycles.scan(dir).cycles()).containsExactly(List.of("x.a", "x.b"));
    }

    @Test
    void aJarIsReadLikeAClassesDirectory() throws IOException {
        cls("x.a.A", field("x.b.B"));
        cls("x.b.B", field("x.a.A"));
        Path jar = dir.resolve("m.jar");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os)) {
            for (String n : List.of("x/a/A.class", "x/b/B.class")) {
                out.putNextEntry(new JarEntry(n));
                out.write(Files.readAllBytes(dir.resolve(n)));
                out.closeEntry();
            }
        }
        assertThat(PackageCycles.scan(jar).cycles()).containsExactly(List.of("x.a", "x.b"));
    }

    @Test
    void assertNoCyclesFailsWithTheReport() throws IOException {
        cls("x.a.A", field("x.b.B"));
        cls("x.b.B", field("x.a.A"));
        assertThatThrownBy(() -> PackageCycles.scan(dir).assertNoCycles()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("packages import each other: x.a, x.b");
    }

    @Test
    void aJdkClassHasNoModuleToScan() {
        assertThatThrownBy(() -> PackageCycles.assertNone(String.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("class: java.lang.String");
    }
}

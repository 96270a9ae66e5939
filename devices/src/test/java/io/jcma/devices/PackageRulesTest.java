package io.jcma.devices;

import io.jcma.cma.testing.PackageRules;
import io.jcma.cma.testing.PackageRules.ClassRefs;
import org.junit.jupiter.api.Test;

import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.lang.constant.ConstantDescs.CD_void;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The devices module's package rules (DEVICES.md), checked on its compiled classes:
 * <ol>
 *   <li>no two packages refer to each other, except an API package and its own
 *       {@code .internal} (the factory and the sealed permits point down, the implementation up);</li>
 *   <li>the kernel side ({@code io.jcma.devices.drivers..}) takes from the hardware side only
 *       the bus handles Mmio, Clock and DmaOrdering and the {@code *Layout} classes;</li>
 *   <li>no driver refers to a model class;</li>
 *   <li>the hardware side never refers to the kernel side.</li>
 * </ol>
 * Main classes are checked whole; of the test classes, the test-only drivers and models in
 * {@code drivers.<subsystem>} and {@code hw.<kind>} packages are.
 */
class PackageRulesTest {
    static final String ROOT = "io.jcma.devices";
    static final String HW = ROOT + ".hw";
    static final String DRIVERS = ROOT + ".drivers";
    static final List<String> HANDLES = List.of(HW + ".Mmio", HW + ".Clock", HW + ".DmaOrdering");

    static List<ClassRefs> main() {
        return PackageRules.scan(Path.of("target/classes"));
    }

    static List<ClassRefs> testDriversAndModels() {
        return PackageRules.scan(Path.of("target/test-classes")).stream().filter(c -> isSubsystem(c.pkg())).toList();
    }

    private static boolean isSubsystem(String pkg) {
        return (pkg.startsWith(DRIVERS + ".") || pkg.startsWith(HW + ".")) && !pkg.equals(HW + ".internal");
    }

    static boolean apiAndItsInternal(String a, String b) {
        return b.equals(a + ".internal") || a.equals(b + ".internal");
    }

    /** A model class: in a hw.<kind> package (not hw.internal), not a layout. */
    static boolean isModel(String cls) {
        String p = PackageRules.packageOf(cls);
        return p.startsWith(HW + ".") && !p.equals(HW + ".internal") && !isLayout(cls);
    }

    static boolean isLayout(String cls) {
        String s = PackageRules.simpleName(cls);
        int nested = s.indexOf('$');
        return (nested < 0 ? s : s.substring(0, nested)).endsWith("Layout");
    }

    static List<String> noMutualReferences(List<ClassRefs> classes) {
        return PackageRules.mutualReferences(classes, ROOT, PackageRulesTest::apiAndItsInternal);
    }

    static List<String> driversUseOnlyTheBusHandles(List<ClassRefs> classes) {
        return PackageRules.forbidden(classes, c -> PackageRules.within(c.pkg(), DRIVERS),
                r -> PackageRules.within(PackageRules.packageOf(r), HW), r -> HANDLES.contains(r) || isLayout(r));
    }

    static List<String> noDriverUsesAModel(List<ClassRefs> classes) {
        return PackageRules.forbidden(classes, c -> PackageRules.within(c.pkg(), DRIVERS), PackageRulesTest::isModel,
                r -> false);
    }

    static List<String> hardwareNeverSeesTheKernelSide(List<ClassRefs> classes) {
        return PackageRules.forbidden(classes, c -> PackageRules.within(c.pkg(), HW),
                r -> PackageRules.within(PackageRules.packageOf(r), DRIVERS), r -> false);
    }

    @Test
    void theMainClassesAreThere() {
        assertThat(main()).extracting(ClassRefs::name).contains(ROOT + ".Board", HW + ".RegisterBlock",
                DRIVERS + ".PlatformDevice", ROOT + ".internal.BoardImpl");
        assertThat(testDriversAndModels()).extracting(ClassRefs::name).contains(
                DRIVERS + ".testcounter.TestCounterDriver", HW + ".testcounter.TestCounterModel");
    }

    @Test
    void noTwoPackagesReferToEachOther() {
        assertThat(noMutualReferences(main())).isEmpty();
    }

    @Test
    void driversTakeOnlyTheBusHandlesAndLayoutsFromTheHardwareSide() {
        assertThat(driversUseOnlyTheBusHandles(main())).isEmpty();
        assertThat(driversUseOnlyTheBusHandles(testDriversAndModels())).isEmpty();
    }

    @Test
    void noDriverRefersToAModel() {
        assertThat(noDriverUsesAModel(main())).isEmpty();
        assertThat(noDriverUsesAModel(testDriversAndModels())).isEmpty();
    }

    @Test
    void theHardwareSideNeverRefersToTheKernelSide() {
        assertThat(hardwareNeverSeesTheKernelSide(main())).isEmpty();
        assertThat(hardwareNeverSeesTheKernelSide(testDriversAndModels())).isEmpty();
    }

    /** A class {@code name} whose one method calls a static method of {@code target}. */
    static ClassRefs synthetic(String name, String target) {
        byte[] bytes = ClassFile.of().build(ClassDesc.of(name), cb -> cb.withMethod("m", MethodTypeDesc.of(CD_void),
                ClassFile.ACC_STATIC, mb -> mb.withCode(code -> code
                        .invokestatic(ClassDesc.of(target), "touch", MethodTypeDesc.of(CD_void)).return_())));
        return PackageRules.read(bytes);
    }

    @Test
    void eachRuleCatchesItsViolation() {
        List<ClassRefs> bad = new ArrayList<>();
        bad.add(synthetic(DRIVERS + ".dma.BadDriver", HW + ".dma.DmaEngineModel"));
        bad.add(synthetic(DRIVERS + ".dma.SneakyDriver", HW + ".IrqLine"));
        bad.add(synthetic(DRIVERS + ".dma.FineDriver", HW + ".dma.DmaEngineLayout$Desc"));
        bad.add(synthetic(HW + ".dma.DmaEngineModel", DRIVERS + ".dma.BadDriver"));
        bad.add(synthetic(ROOT + ".a.A", ROOT + ".b.B"));
        bad.add(synthetic(ROOT + ".b.B", ROOT + ".a.A"));
        bad.add(synthetic(ROOT + ".c.C", ROOT + ".c.internal.CImpl"));
        bad.add(synthetic(ROOT + ".c.internal.CImpl", ROOT + ".c.C"));
        assertThat(driversUseOnlyTheBusHandles(bad)).containsExactly(
                DRIVERS + ".dma.BadDriver -> " + HW + ".dma.DmaEngineModel",
                DRIVERS + ".dma.SneakyDriver -> " + HW + ".IrqLine");
        assertThat(noDriverUsesAModel(bad)).containsExactly(DRIVERS + ".dma.BadDriver -> " + HW + ".dma.DmaEngineModel");
        assertThat(hardwareNeverSeesTheKernelSide(bad)).containsExactly(
                HW + ".dma.DmaEngineModel -> " + DRIVERS + ".dma.BadDriver");
        assertThat(noMutualReferences(bad)).containsExactly(
                ROOT + ".a <-> " + ROOT + ".b (" + ROOT + ".a.A -> " + ROOT + ".b.B; " + ROOT + ".b.B -> " + ROOT + ".a.A)",
                DRIVERS + ".dma <-> " + HW + ".dma (" + DRIVERS + ".dma.BadDriver -> " + HW + ".dma.DmaEngineModel; "
                        + HW + ".dma.DmaEngineModel -> " + DRIVERS + ".dma.BadDriver)");
    }

    @Test
    void referencesInDescriptorsAndSignaturesCount() {
        ClassRefs c = PackageRules.read(ClassFile.of().build(ClassDesc.of("x.Holder"), cb -> cb
                .withField("f", ClassDesc.of("y.FieldType"), ClassFile.ACC_PRIVATE)
                .withMethod("m", MethodTypeDesc.of(ClassDesc.of("y.Ret"), ClassDesc.of("y.Param").arrayType()),
                        ClassFile.ACC_ABSTRACT | ClassFile.ACC_PUBLIC, mb -> { })
                .withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_ABSTRACT)));
        assertThat(c.refs()).contains("y.FieldType", "y.Ret", "y.Param", "java.lang.Object");
        assertThat(c.refs()).doesNotContain("x.Holder");
    }
}

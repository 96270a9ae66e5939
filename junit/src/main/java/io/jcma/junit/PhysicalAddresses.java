package io.jcma.junit;

import io.jcma.junit.internal.ContainerExtension;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The test needs real physical addresses: page frame numbers from /proc/self/pagemap, which the
 * kernel shows only to a reader with CAP_SYS_ADMIN (pagemap_read() zeroes the PFN field for
 * everyone else since Linux 4.2), and, when {@link #hugepages()} is set, that many free hugetlb
 * pages of {@link #size()}.
 *
 * <p>Where the JVM running the tests can see physical addresses (CAP_SYS_ADMIN in CapEff of
 * /proc/self/status, /proc/self/pagemap readable), the test runs here like any other. Otherwise
 * it runs inside a container started from a JDK 25 image ({@value #IMAGE_PROPERTY},
 * {@value #IMAGE_ENV}, default {@value #DEFAULT_IMAGE}) with CAP_SYS_ADMIN and CAP_IPC_LOCK
 * added (not {@code --privileged}) and this JVM's class path copied in; there the JUnit launcher
 * runs it, and its result is this test's: a failure fails it with the container's message and
 * stack trace, an aborted assumption skips it with its reason, and what it printed is printed
 * here. Without a Docker engine, or without the free hugepages it asks for (the container shares
 * the host's kernel and its hugepage pools), the test is skipped and the reason says which.
 *
 * <p>On a class, every test of the class runs where the class runs, its {@code @BeforeAll},
 * {@code @BeforeEach}, {@code @AfterEach} and {@code @AfterAll} methods with them (they are not
 * run here); all classes of one test run share one container, each class has one launcher
 * session in it. Constructors and field initialisers run on both sides, so keep hugepage work in
 * lifecycle or test methods. {@code @TestFactory} methods cannot run in the container (their
 * dynamic tests are made here).
 *
 * <p>Meta-annotation works: an annotation that carries this one carries its meaning.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(ContainerExtension.class)
public @interface PhysicalAddresses {
    /** System property naming the container image (a JDK 25 or newer, {@code java} on PATH). */
    String IMAGE_PROPERTY = "jcma.container.image";
    /** Environment variable naming the image when the system property is not set. */
    String IMAGE_ENV = "JCMA_CONTAINER_IMAGE";
    /** The image used when neither names one: the official Temurin 25 JDK. */
    String DEFAULT_IMAGE = "eclipse-temurin:25-jdk";
    /**
     * System property choosing where {@link Where#AUTO} tests run: {@code auto} (default),
     * {@code host} or {@code container}.
     */
    String MODE_PROPERTY = "jcma.container.mode";
    /** Environment variable for the mode when the system property is not set. */
    String MODE_ENV = "JCMA_CONTAINER_MODE";

    /** Free hugetlb pages of {@link #size()} the test maps; 0 when it maps none. */
    int hugepages() default 0;

    /** The hugepage size: "2M" or "1G". */
    String size() default "2M";

    /** Where to run; {@link Where#AUTO} decides from the host (and {@value #MODE_PROPERTY}). */
    Where where() default Where.AUTO;

    /** Where a test runs. */
    enum Where {
        /** Here if this JVM sees physical addresses, else in a container. */
        AUTO,
        /** Here, whatever this JVM sees. */
        HOST,
        /** In a container, even where this JVM could see physical addresses. */
        CONTAINER
    }
}

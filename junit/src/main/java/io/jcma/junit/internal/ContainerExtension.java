package io.jcma.junit.internal;

import io.jcma.junit.Placement;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.opentest4j.TestAbortedException;

import java.lang.reflect.Method;

/**
 * The extension behind {@link io.jcma.junit.PhysicalAddresses}: an invocation interceptor that
 * runs any test method (plain or a template's invocation) where its {@link Placement} says.
 *
 * <p>On the host: a test placed {@link Placement.Here} proceeds; one placed
 * {@link Placement.InContainer} is skipped here, with its {@code @BeforeEach}/{@code @AfterEach}
 * methods (and its class's {@code @BeforeAll}/{@code @AfterAll} when the class is placed there),
 * and run by its class's {@link Lockstep} session in the shared container instead, whose outcome
 * it returns or throws as its own; one placed {@link Placement.Unavailable} is disabled (by
 * annotation) or aborted (by a requirement an extension added) with the reason.
 *
 * <p>In the container: the same extension is the session's {@link Lockstep#gate gate}, and
 * every test is placed here.
 */
public final class ContainerExtension implements ExecutionCondition, InvocationInterceptor, AfterAllCallback {
    /** For JUnit's {@code @ExtendWith}. */
    public ContainerExtension() {
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (Placements.insideContainer()) {
            return Lockstep.gate(context);
        }
        Placement p = Placements.of(context);
        return p instanceof Placement.Unavailable u ? ConditionEvaluationResult.disabled(u.reason())
                : ConditionEvaluationResult.enabled(p.reason());
    }

    @Override
    public void interceptBeforeAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> method,
                                         ExtensionContext context) throws Throwable {
        before(invocation, context);
    }

    @Override
    public void interceptBeforeEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> method,
                                          ExtensionContext context) throws Throwable {
        before(invocation, context);
    }

    @Override
    public void interceptAfterEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> method,
                                         ExtensionContext context) throws Throwable {
        after(invocation, context);
    }

    @Override
    public void interceptAfterAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> method,
                                        ExtensionContext context) throws Throwable {
        after(invocation, context);
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> method,
                                    ExtensionContext context) throws Throwable {
        test(invocation, context);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> method,
                                            ExtensionContext context) throws Throwable {
        test(invocation, context);
    }

    @Override
    public <T> T interceptTestFactoryMethod(Invocation<T> invocation, ReflectiveInvocationContext<Method> method,
                                            ExtensionContext context) throws Throwable {
        switch (Placements.of(context)) {
            case Placement.Here h -> {
                return invocation.proceed();
            }
            case Placement.Unavailable u -> {
                invocation.skip();
                throw new TestAbortedException(u.reason());
            }
            case Placement.InContainer c -> {
                invocation.skip();
                throw new ExtensionConfigurationException("@TestFactory " + method.getExecutable().getName()
                        + " cannot run in the container (" + c.reason() + "): its dynamic tests are made and run"
                        + " here; use @Test or @ParameterizedTest");
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (Placements.insideContainer()) {
            return;
        }
        RemoteClass session = context.getStore(Placements.NS).get(sessionKey(context), RemoteClass.class);
        if (session != null) {
            Outcome o = replay(session.end());
            if (o.status() != Outcome.Status.SUCCESSFUL) {
                ContainerExtension.<RuntimeException>throwAs(o.failure());
            }
        }
    }

    /** Throws a checked throwable from a method that declares none (the remote @AfterAll's). */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void throwAs(Throwable t) throws T {
        throw (T) t;
    }

    private static void before(Invocation<Void> invocation, ExtensionContext context) throws Throwable {
        switch (Placements.of(context)) {
            case Placement.Here h -> invocation.proceed();
            case Placement.InContainer c -> invocation.skip();
            case Placement.Unavailable u -> {
                invocation.skip();
                throw new TestAbortedException(u.reason());
            }
        }
    }

    private static void after(Invocation<Void> invocation, ExtensionContext context) throws Throwable {
        if (Placements.of(context) instanceof Placement.Here) {
            invocation.proceed();
        } else {
            invocation.skip();
        }
    }

    private static void test(Invocation<Void> invocation, ExtensionContext context) throws Throwable {
        switch (Placements.of(context)) {
            case Placement.Here h -> invocation.proceed();
            case Placement.Unavailable u -> {
                invocation.skip();
                throw new TestAbortedException(u.reason());
            }
            case Placement.InContainer c -> {
                invocation.skip();
                rethrow(replay(session(context, c).run(context.getUniqueId())));
            }
        }
    }

    private static RemoteClass session(ExtensionContext context, Placement.InContainer c) {
        ExtensionContext cls = context;
        while (cls.getTestMethod().isPresent()) {
            cls = cls.getParent().orElseThrow();
        }
        ExtensionContext classContext = cls;
        JdkContainer container = SharedContainer.in(context, c.image()).get();
        return classContext.getStore(Placements.NS).getOrComputeIfAbsent(sessionKey(classContext),
                k -> RemoteClass.open(container, classContext.getUniqueId()), RemoteClass.class);
    }

    private static String sessionKey(ExtensionContext classContext) {
        return "session:" + classContext.getUniqueId();
    }

    /** Prints here what the tests printed there. */
    private static Outcome replay(Outcome o) {
        if (!o.out().isEmpty()) {
            System.out.print(o.out());
            System.out.flush();
        }
        if (!o.err().isEmpty()) {
            System.err.print(o.err());
            System.err.flush();
        }
        return o;
    }

    private static void rethrow(Outcome o) throws Throwable {
        if (o.status() != Outcome.Status.SUCCESSFUL) {
            throw o.failure();
        }
    }
}

package io.jcma.junit.internal;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * The one container of an image that all classes of a test run share, started when the first
 * test needs it and stopped when the run ends (the root context's store closes it). A start
 * that failed is not tried again: every later test gets the same answer.
 */
final class SharedContainer implements AutoCloseable {
    private final String image;
    private JdkContainer container;
    private RuntimeException failure;
    private boolean closed;

    private SharedContainer(String image) {
        this.image = image;
    }

    static SharedContainer in(ExtensionContext context, String image) {
        return context.getRoot().getStore(Placements.NS).getOrComputeIfAbsent("container:" + image,
                k -> new SharedContainer(image), SharedContainer.class);
    }

    /**
     * The running container, started if need be.
     *
     * @throws TestAbortedException if the default image is neither on the engine nor pullable
     * @throws JdkContainer.ContainerStartException if it did not start otherwise
     */
    synchronized JdkContainer get() {
        if (closed) {
            throw new IllegalStateException("container of " + image + " already stopped");
        }
        if (container != null) {
            return container;
        }
        if (failure != null) {
            throw failure;
        }
        try {
            container = JdkContainer.server(image);
            return container;
        } catch (JdkContainer.ContainerStartException e) {
            failure = Engine.imageConfigured(System::getProperty, System::getenv) || JdkContainer.present(image) ? e
                    : new TestAbortedException("image " + image + " is not on the Docker engine and could not be"
                    + " pulled; name a local JDK 25 image with -D" + io.jcma.junit.PhysicalAddresses.IMAGE_PROPERTY
                    + "=IMAGE or " + io.jcma.junit.PhysicalAddresses.IMAGE_ENV + " (" + e.getMessage() + ")", e);
            throw failure;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (container != null) {
            container.close();
        }
    }
}

package io.jcma.junit.internal;

import com.github.dockerjava.api.model.Capability;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A running container of a JDK image with what physical addresses need and this JVM's class
 * path copied in: CAP_SYS_ADMIN (pagemap PFNs, /proc/kpageflags, mounting hugetlbfs) and
 * CAP_IPC_LOCK (mlock of more than RLIMIT_MEMLOCK, 8 MiB by default in a container) are added
 * to Docker's default set; {@code --privileged} is not used (it asks for every capability, and
 * fails where the engine's own bounding set lacks one). The image is pulled only when the
 * engine does not have it (Testcontainers' default pull policy). Containers carry the label
 * {@value #LABEL}, so a CI run can remove any that a killed JVM left behind.
 */
public final class JdkContainer implements AutoCloseable {
    public static final String LABEL = "io.jcma.container-path";
    static final String CLASSPATH_DIR = "/jcma/cp";
    private static final String READY = "jcma-container: ready";
    private static final Duration STARTUP = Duration.ofMinutes(2);

    private final GenericContainer<?> container;
    private final String image;
    private final String classpath;

    private JdkContainer(GenericContainer<?> container, String image, String classpath) {
        this.container = container;
        this.image = image;
        this.classpath = classpath;
    }

    /** A container that idles until closed, for {@link #exec}. */
    public static JdkContainer idle(String image) {
        return start(image, classpath -> "echo " + READY + "; exec sleep infinity", READY);
    }

    /** A container whose main process is the {@link RemoteServer}. */
    static JdkContainer server(String image) {
        return start(image, classpath -> "mkfifo " + RemoteServer.REQUESTS + " && exec "
                + shell(java(classpath, RemoteServer.class.getName(), List.of(RemoteServer.REQUESTS))),
                RemoteServer.READY);
    }

    private interface Script {
        String of(String classpath);
    }

    private static JdkContainer start(String image, Script main, String ready) {
        List<Path> entries = Classpath.current();
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                .withLabel(LABEL, "true")
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                        .withCapAdd(Capability.SYS_ADMIN, Capability.IPC_LOCK))
                .waitingFor(Wait.forLogMessage(".*" + ready + ".*\\n", 1).withStartupTimeout(STARTUP));
        List<String> inside = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Path p = entries.get(i);
            String to = CLASSPATH_DIR + "/" + String.format("%03d-", i) + p.getFileName();
            c.withCopyToContainer(MountableFile.forHostPath(p), to);
            inside.add(to);
        }
        String cp = String.join(":", inside);
        c.withCommand("sh", "-c", main.of(cp));
        try {
            c.start();
        } catch (RuntimeException e) {
            String logs = "";
            try {
                logs = c.getLogs();
            } catch (RuntimeException noLogs) {
                // never created: the cause says why
            }
            c.close();
            throw new ContainerStartException(image, e, logs);
        }
        return new JdkContainer(c, image, cp);
    }

    /**
     * The java command line that runs {@code mainClass} in the container on the copied class
     * path, with this JVM's module and native-access options and assertion setting.
     */
    public List<String> java(String mainClass, List<String> args) {
        return java(classpath, mainClass, args);
    }

    private static List<String> java(String classpath, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("java", "-D" + Placements.INSIDE_PROPERTY + "=true",
                "--enable-native-access=ALL-UNNAMED", "-XX:+EnableDynamicAgentLoading", "-Xshare:auto"));
        cmd.addAll(forwardedOptions(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        if (assertionsEnabled()) {
            cmd.add("-ea");
        }
        String extra = System.getProperty("jcma.container.jvmArgs", "").strip();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.addAll(List.of("-cp", classpath, mainClass));
        cmd.addAll(args);
        return cmd;
    }

    /** The options of this JVM that the container's must share: module wiring and heap size. */
    static List<String> forwardedOptions(List<String> input) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < input.size(); i++) {
            String a = input.get(i);
            boolean split = a.equals("--add-opens") || a.equals("--add-exports") || a.equals("--add-reads")
                    || a.equals("--add-modules");
            if (split && i + 1 < input.size()) {
                out.add(a + "=" + input.get(++i));
            } else if (a.startsWith("--add-opens=") || a.startsWith("--add-exports=") || a.startsWith("--add-reads=")
                    || a.startsWith("--add-modules=") || a.startsWith("-Xmx") || a.startsWith("-Xss")) {
                out.add(a);
            }
        }
        return out;
    }

    @SuppressWarnings({"AssertWithSideEffects", "UnusedAssignment"})
    private static boolean assertionsEnabled() {
        boolean on = false;
        assert on = true;
        return on;
    }

    /** Single-quotes every word for sh -c. */
    static String shell(List<String> words) {
        List<String> q = new ArrayList<>();
        for (String w : words) {
            q.add("'" + w.replace("'", "'\\''") + "'");
        }
        return String.join(" ", q);
    }

    /** Runs {@code command} in the container and returns its exit code and output. */
    public Container.ExecResult exec(List<String> command) {
        try {
            return container.execInContainer(command.toArray(String[]::new));
        } catch (IOException e) {
            throw new IllegalStateException("exec in container " + id() + " of " + image + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("exec in container " + id() + " of " + image + ": interrupted", e);
        }
    }

    public String image() {
        return image;
    }

    public String id() {
        return container.getContainerId();
    }

    public boolean running() {
        return container.isRunning();
    }

    /** The container's own output (the server's, not the tests'). */
    public String logs() {
        return container.getLogs();
    }

    @Override
    public void close() {
        container.close();
    }

    /** Whether the engine has {@code image} already (so starting it pulls nothing). */
    static boolean present(String image) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Starting the container failed; says which image and, if it got that far, what it printed. */
    public static final class ContainerStartException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ContainerStartException(String image, Throwable cause, String logs) {
            super("container of image " + image + " did not start: " + rootMessage(cause)
                    + (logs.isBlank() ? "" : "\n--- its output ---\n" + logs), cause);
        }

        private static String rootMessage(Throwable t) {
            StringBuilder b = new StringBuilder(String.valueOf(t.getMessage()));
            for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                b.append(": ").append(c.getMessage());
            }
            return b.toString();
        }
    }
}

package io.jcma.junit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Starts {@link ChildLauncher} in another JVM (as another user, in another environment). */
final class ChildJvm {
    private ChildJvm() {
    }

    record Result(int exit, String out) {
        List<String> lines() {
            return out.lines().filter(l -> l.startsWith(ChildLauncher.PREFIX))
                    .map(l -> l.substring(ChildLauncher.PREFIX.length())).toList();
        }
    }

    /**
     * Runs the test classes in a child JVM on {@code classpath}, its command prefixed by
     * {@code prefix} (e.g. setpriv), with {@code env} added to this process's environment, in
     * {@code dir} (null: this JVM's working directory).
     */
    static Result run(List<String> prefix, Map<String, String> env, Path dir, List<Path> classpath,
                      List<String> jvmArgs, String... classes) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath.stream().map(Path::toString).collect(Collectors.joining(":")));
        cmd.add(ChildLauncher.class.getName());
        cmd.addAll(List.of(classes));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM did not exit: " + new String(out, StandardCharsets.UTF_8));
        }
        String text = new String(out, StandardCharsets.UTF_8);
        System.out.print(text);
        return new Result(p.exitValue(), text);
    }
}

package io.jcma.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The ./jcma launcher's JDK search, run as a user runs it. */
class LauncherTest {
    private static final Path LAUNCHER = Path.of("..", "jcma").toAbsolutePath().normalize();

    /** Runs the launcher only as far as choosing the JDK (JCMA_PRINT_JDK): no build, no jar. */
    private static String[] run(String javaHome, String jdkDir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", LAUNCHER.toString()).redirectErrorStream(false);
        pb.environment().put("JAVA_HOME", javaHome);
        pb.environment().put("JCMA_JDK_DIR", jdkDir);
        pb.environment().put("JCMA_PRINT_JDK", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new String[] {Integer.toString(p.exitValue()), out, err};
    }

    @Test
    void withoutAJdk25ItSaysWhatIsMissingAndExits3() throws Exception {
        Path empty = Files.createTempDirectory("no-jdks");
        String[] r = run("/nonexistent-jdk", empty.toString());
        assertThat(r[0]).isEqualTo("3");
        assertThat(r[2]).contains("needs a JDK 25 or newer")
                .contains("JAVA_HOME (/nonexistent-jdk) is not one")
                .contains("none is under " + empty);
        Files.delete(empty);
    }

    @Test
    void aJavaHomeThatIsNoJdk25IsPassedOverForTheNewestUnderTheJdkDir() throws Exception {
        // the tests run on a JDK >= 25; its parent directory plays /usr/lib/jvm
        Path home = Path.of(System.getProperty("java.home")).toRealPath();
        String[] r = run("/nonexistent-jdk", home.getParent().toString());
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        String chosen = r[1].strip();
        assertThat(Files.readString(Path.of(chosen, "release"))).containsPattern("JAVA_VERSION=\"(2[5-9]|[3-9][0-9])");
    }

    @Test
    void aJavaHomeOfJdk25IsTakenAsItIs() throws Exception {
        Path home = Path.of(System.getProperty("java.home")).toRealPath();
        Path empty = Files.createTempDirectory("no-jdks");
        String[] r = run(home.toString(), empty.toString());
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1].strip()).isEqualTo(home.toString());
        Files.delete(empty);
    }
}

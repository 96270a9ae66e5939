package io.jcma.junit.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;

/** The class path as files: manifest Class-Path followed (Surefire's booter jar), each entry once. */
class ClasspathTest {
    @TempDir
    Path dir;

    private Path jar(String name, String classPath) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) {
            m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        Path p = dir.resolve(name);
        try (OutputStream o = Files.newOutputStream(p); JarOutputStream j = new JarOutputStream(o, m)) {
            j.flush();
        }
        return p;
    }

    @Test
    void aManifestOnlyJarLeadsToItsEntries() throws IOException {
        Path a = jar("a.jar", null);
        Path classes = Files.createDirectories(dir.resolve("target/classes"));
        Path booter = jar("booter.jar", "a.jar " + classes.toUri() + " missing.jar");
        Set<Path> out = new LinkedHashSet<>();
        Classpath.addClassPathEntry(booter, out);
        assertThat(out).containsExactly(booter, a, classes);
    }

    @Test
    void relativeEntriesResolveAgainstTheJarsDirectoryAndSpacesAreEncoded() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("lib dir"));
        Path b = Files.createFile(sub.resolve("b.jar"));
        Path booter = jar("booter.jar", "lib%20dir/b.jar");
        assertThat(Classpath.manifestClassPath(booter)).containsExactly(b);
    }

    @Test
    void cyclesAndRepeatsAreFollowedOnce() throws IOException {
        Path x = jar("x.jar", "y.jar");
        Path y = jar("y.jar", "x.jar");
        Set<Path> out = new LinkedHashSet<>();
        Classpath.addClassPathEntry(x, out);
        Classpath.addClassPathEntry(y, out);
        assertThat(out).containsExactly(x, y);
    }

    @Test
    void notAJarHasNoManifestClassPath() throws IOException {
        Path f = Files.writeString(dir.resolve("notes.txt"), "hello");
        assertThat(Classpath.manifestClassPath(f)).isEmpty();
    }

    @Test
    void thisJvmsClassPathHoldsThisTestAndJUnit() {
        List<Path> cp = Classpath.current();
        assertThat(cp).anyMatch(p -> p.endsWith("test-classes")).anyMatch(p -> p.toString().contains("junit-jupiter-api"));
        assertThat(cp).doesNotHaveDuplicates().allMatch(Files::exists);
    }
}

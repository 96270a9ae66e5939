package io.jcma.junit.internal;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The class path this JVM runs on, as files to copy into a container: java.class.path with the
 * Class-Path of every jar's manifest followed (Surefire and IDEs start forks on a manifest-only
 * jar whose Class-Path lists the real entries), then jdk.module.path (its directories of modules
 * opened up), all of it to go on the container JVM's class path.
 */
public final class Classpath {
    private Classpath() {
    }

    /** This JVM's class path and module path entries that exist, in order, each once. */
    public static List<Path> current() {
        Set<Path> out = new LinkedHashSet<>();
        for (Path p : split(System.getProperty("java.class.path"))) {
            addClassPathEntry(p, out);
        }
        for (Path p : split(System.getProperty("jdk.module.path"))) {
            if (Files.isDirectory(p) && !Files.exists(p.resolve("module-info.class"))) {
                try (Stream<Path> s = Files.list(p)) {
                    s.sorted().forEach(m -> addClassPathEntry(m, out));
                } catch (IOException e) {
                    addClassPathEntry(p, out);
                }
            } else {
                addClassPathEntry(p, out);
            }
        }
        return new ArrayList<>(out);
    }

    private static List<Path> split(String path) {
        List<Path> out = new ArrayList<>();
        if (path != null) {
            for (String e : path.split(File.pathSeparator)) {
                if (!e.isEmpty()) {
                    out.add(Path.of(e).toAbsolutePath().normalize());
                }
            }
        }
        return out;
    }

    static void addClassPathEntry(Path p, Set<Path> out) {
        if (!Files.exists(p) || !out.add(p)) {
            return;
        }
        if (Files.isRegularFile(p)) {
            for (Path q : manifestClassPath(p)) {
                addClassPathEntry(q, out);
            }
        }
    }

    /** The entries a jar's manifest Class-Path names, resolved against the jar's directory. */
    static List<Path> manifestClassPath(Path jar) {
        List<Path> out = new ArrayList<>();
        String cp;
        try (JarFile j = new JarFile(jar.toFile())) {
            Manifest m = j.getManifest();
            cp = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        } catch (IOException e) {
            return out; // not a jar: nothing to follow
        }
        if (cp == null) {
            return out;
        }
        URI base = jar.toAbsolutePath().getParent().toUri();
        for (String entry : cp.trim().split("\\s+")) {
            try {
                URI u = base.resolve(new URI(entry));
                if ("file".equals(u.getScheme())) {
                    out.add(Path.of(u).normalize());
                }
            } catch (URISyntaxException | IllegalArgumentException e) {
                // an entry the JVM could not use either
            }
        }
        return out;
    }
}

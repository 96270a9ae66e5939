package io.jcma.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.shim.HugepagePool;
import io.jcma.shim.HugepageRegion;
import io.jcma.shim.HugepageReport;
import io.jcma.shim.HugepageSize;
import io.jcma.shim.Hugepages;
import io.jcma.shim.KpageFlags;
import io.jcma.shim.Pagemap;
import io.jcma.junit.PhysicalAddresses;
import io.jcma.junit.internal.Engine;
import io.jcma.junit.internal.JdkContainer;
import io.jcma.shim.PhysRun;
import org.testcontainers.containers.Container;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./jcma hugepages}: maps real huge pages, translates them through pagemap and prints
 * the pages, the physically contiguous runs and the checks. As root, raises nr_hugepages when
 * too few pages are free and restores it before exiting. Exits 1 when a check fails.
 *
 * <p>{@code --container [IMAGE]} runs the same command inside a container with CAP_SYS_ADMIN
 * and CAP_IPC_LOCK (the JUnit container path's, with this JVM's class path copied in) and prints
 * what it printed, so a user without the capability sees real pfns; the container shares the
 * host's hugepage pools but cannot raise nr_hugepages (/proc/sys is read-only there).
 */
@Command(name = "hugepages", mixinStandardHelpOptions = true,
        description = "Map real hugepages, print their physical addresses, runs and contiguity checks.",
        footerHeading = "%nExample:%n",
        footer = {"  ./jcma hugepages --count 4 --json      # as root; raises nr_hugepages if needed, then restores it"})
final class HugepagesCommand implements Callable<Integer> {
    @Option(names = "--size", paramLabel = "2M|1G", description = "Huge page size (default: the host's, usually 2M).")
    String size;

    @Option(names = "--count", paramLabel = "N", description = "Huge pages to map (default: ${DEFAULT-VALUE}).",
            defaultValue = "4")
    int count;

    @Option(names = "--json", description = "Print one JSON object {size, kind, pool, reservation, pages, runs, remapped_runs, checks}.")
    boolean json;

    @Option(names = "--container", arity = "0..1", paramLabel = "IMAGE", fallbackValue = CONFIGURED_IMAGE,
            description = "Run the probe in a container with CAP_SYS_ADMIN and CAP_IPC_LOCK, of IMAGE (default: "
                    + "-D" + PhysicalAddresses.IMAGE_PROPERTY + ", $" + PhysicalAddresses.IMAGE_ENV + ", else "
                    + PhysicalAddresses.DEFAULT_IMAGE + "). Needs a Docker engine.")
    String container;

    /** --container without IMAGE: the configured image or the default. */
    private static final String CONFIGURED_IMAGE = "(configured)";

    @Override
    public Integer call() throws Exception {
        if (container != null) {
            return inContainer(Engine.image(container.equals(CONFIGURED_IMAGE) ? null : container));
        }
        HugepageSize sz = size == null ? Hugepages.defaultSize() : HugepageSize.parse(size);
        if (count <= 0) {
            throw new IllegalArgumentException("--count: " + count + " (expected: > 0)");
        }
        Hugepages host = Hugepages.system();
        Hugepages.Reservation reservation = null;
        String reserveNote = null;
        if (host.supports(sz) && host.pool(sz).available() < count) {
            try {
                reservation = host.reserve(sz, count);
            } catch (ErrnoException e) {
                reserveNote = e.getMessage();
            }
        }
        // Ctrl-C runs shutdown hooks, not finally blocks: restore nr_hugepages from a hook too.
        Thread hook = reservation == null ? null : new Thread(restore(reservation), "jcma-restore-nr_hugepages");
        if (hook != null) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        try {
            HugepagePool pool = host.supports(sz) ? host.pool(sz) : null;
            HugepageRegion region = HugepageRegion.mapOrTransparent(sz, count);
            HugepageReport report;
            try (Pagemap pm = Pagemap.openSelf(); KpageFlags kf = openKpageflags()) {
                report = HugepageReport.inspect(region, pm, kf);
            } finally {
                if (region.isOpen()) {
                    region.close();
                }
            }
            print(report, pool, reservation, reserveNote, json, System.out);
            return report.allOk() ? 0 : 1;
        } finally {
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook restores it
                }
                restore(reservation).run();
            }
        }
    }

    private int inContainer(String image) {
        // Bad arguments fail here, before a container starts for nothing.
        if (size != null) {
            HugepageSize.parse(size);
        }
        if (count <= 0) {
            throw new IllegalArgumentException("--count: " + count + " (expected: > 0)");
        }
        Engine.missing().ifPresent(why -> {
            throw new IllegalStateException("--container: " + why);
        });
        List<String> args = new ArrayList<>(List.of("hugepages", "--count", Integer.toString(count)));
        if (size != null) {
            args.addAll(List.of("--size", size));
        }
        if (json) {
            args.add("--json");
        }
        System.err.println("jcma: hugepages in a container of " + image + " (CAP_SYS_ADMIN, CAP_IPC_LOCK)");
        try (JdkContainer c = JdkContainer.idle(image)) {
            Container.ExecResult r = c.exec(c.java(Main.class.getName(), args));
            System.out.print(r.getStdout());
            System.out.flush();
            System.err.print(r.getStderr());
            return r.getExitCode();
        }
    }

    private static Runnable restore(Hugepages.Reservation r) {
        return () -> {
            try {
                r.close();
            } catch (IllegalStateException alreadyRestored) {
                // the other path (hook or finally) got there first
            }
        };
    }

    private static KpageFlags openKpageflags() {
        try {
            return KpageFlags.open();
        } catch (ErrnoException e) {
            return null;
        }
    }

    static void print(HugepageReport r, HugepagePool pool, Hugepages.Reservation res, String reserveNote, boolean json,
                      PrintStream out) throws Exception {
        if (json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("size", r.size().toString());
            root.put("kind", r.kind().name().toLowerCase(java.util.Locale.ROOT));
            root.put("fallback", r.fallbackReason().orElse(null));
            root.put("count", r.pages().size());
            root.put("locked", r.locked());
            if (pool != null) {
                root.put("pool", Map.of("name", pool.size().sysfsName(), "nr_hugepages", pool.total(),
                        "free_hugepages", pool.free(), "resv_hugepages", pool.reserved()));
            }
            Map<String, Object> rv = new LinkedHashMap<>();
            rv.put("changed", res != null && res.changed());
            if (res != null) {
                rv.put("nr_hugepages_before", res.before());
                rv.put("nr_hugepages_during", res.after());
            }
            rv.put("note", reserveNote);
            root.put("reservation", rv);
            List<Map<String, Object>> pages = new ArrayList<>();
            for (HugepageReport.Page p : r.pages()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("index", p.index());
                m.put("va", hex(p.va()));
                m.put("pfn", p.pfn());
                m.put("phys", hex(p.phys()));
                pages.add(m);
            }
            root.put("pages", pages);
            root.put("runs", runs(r.runs()));
            root.put("remapped_runs", runs(r.remappedRuns()));
            List<Map<String, Object>> checks = new ArrayList<>();
            for (HugepageReport.Check c : r.checks()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", c.name());
                m.put("ok", c.ok());
                m.put("detail", c.detail());
                checks.add(m);
            }
            root.put("checks", checks);
            root.put("translated_pages", r.translatedPages());
            root.put("translate_ns", r.translateNanos());
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
            return;
        }
        out.printf("%d x %s %s pages%s%n", r.pages().size(), r.size(),
                r.kind() == HugepageRegion.Kind.HUGETLB ? "hugetlb" : "transparent",
                r.fallbackReason().map(s -> " (fallback: " + s + ")").orElse(""));
        if (pool != null) {
            out.printf("%s: nr_hugepages %d, free %d, reserved %d%n", pool.size().sysfsName(), pool.total(),
                    pool.free(), pool.reserved());
        }
        if (res != null && res.changed()) {
            out.printf("nr_hugepages raised %d -> %d for this run, restored on exit%n", res.before(), res.after());
        }
        if (reserveNote != null) {
            out.println("could not reserve: " + reserveNote);
        }
        out.println();
        out.printf("%5s  %-18s  %-12s  %s%n", "page", "virtual", "pfn", "phys");
        for (HugepageReport.Page p : r.pages()) {
            out.printf("%5d  %-18s  %-12s  %s%n", p.index(), hex(p.va()), hex(p.pfn()), String.format("0x%016x", p.phys()));
        }
        printRuns(out, "runs (virtual order)", r.runs());
        printRuns(out, "runs after remap by pfn", r.remappedRuns());
        out.println();
        out.println("checks:");
        for (HugepageReport.Check c : r.checks()) {
            out.printf("  %-20s %-4s %s%n", c.name(), c.ok() ? "ok" : "FAIL", c.detail());
        }
        if (r.translatedPages() > 0) {
            out.printf("translated %d base pages in %.3f ms%n", r.translatedPages(), r.translateNanos() / 1e6);
        }
    }

    private static void printRuns(PrintStream out, String title, List<PhysRun> runs) {
        out.println();
        out.println(title + ": " + runs.size());
        for (PhysRun run : runs) {
            out.printf("  pages %d-%d  pfn %s-%s  %d MiB%n", run.firstPage(), run.firstPage() + run.pages() - 1,
                    hex(run.startPfn()), hex(run.endPfn() - 1), run.bytes() >> 20);
        }
    }

    private static List<Map<String, Object>> runs(List<PhysRun> runs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PhysRun run : runs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("first_page", run.firstPage());
            m.put("pages", run.pages());
            m.put("start_pfn", run.startPfn());
            m.put("end_pfn", run.endPfn());
            m.put("bytes", run.bytes());
            out.add(m);
        }
        return out;
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}

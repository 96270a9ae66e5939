package io.jcma.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a JMH JSON result file into BENCHMARKS.md: each jcma benchmark beside its peers from the
 * same run, with medians, errors, ratios and whether the target is met.
 *
 * <p>Convention: in each benchmark class, a method {@code jcma} or {@code jcma...X} is paired
 * with every other method whose name ends in the same capitalised word X ({@code jcmaCall} with
 * {@code jnaCall} and {@code jnaDirectCall}; {@code jcma} with {@code plain}, which has none)
 * and has the same parameters.
 *
 * <p>Usage: {@code Report RESULTS.json BENCHMARKS.md "COMMAND"}.
 */
public final class Report {
    private Report() {
    }

    /** A target: jcma's time divided by the peer's must be at most {@code maxRatio}. */
    record Target(String benchmarkClass, String jcmaMethod, String peerMethod, String params, double maxRatio,
                  String text, java.util.function.Predicate<Row> absolute) {
        Target(String benchmarkClass, String jcmaMethod, String peerMethod, String params, double maxRatio, String text) {
            this(benchmarkClass, jcmaMethod, peerMethod, params, maxRatio, text, null);
        }

        boolean matches(Row r) {
            return r.cls().equals(benchmarkClass) && r.jcma().equals(jcmaMethod)
                    && (peerMethod == null || r.peer().equals(peerMethod))
                    && (params == null || r.params().matches(params));
        }
    }

    record Row(String cls, String params, String jcma, double jcmaMedian, double jcmaError, String peer,
               double peerMedian, double peerError, String unit, Map<String, Double> aux) {
        double ratio() {
            return jcmaMedian / peerMedian;
        }
    }

    static final List<Target> TARGETS = List.of(
            new Target("CmaAllocBench", "jcma", "plain", null, 1.0,
                    "(1) cma_alloc + cma_release faster than the plain bit-by-bit reference at every size"),
            new Target("CmaAllocBench", "jcmaBitmap", "plainBitmap", null, 1.0,
                    "(1) the bitmap search alone faster than the plain bit-by-bit reference at every size"),
            new Target("NativeCallBench", "jcmaCall", null, null, 0.1,
                    "(4) an FFM downcall at least 10x cheaper than JNA's (interface- and direct-mapped)"),
            new Target("NativeCallBench", "jcmaTranslate", "jnaTranslate", null, Double.NaN,
                    "(4) pagemap translation of 16384 pages; pages/s = 16384 / time"),
            new Target("DmaAllocBench", "jcmaWrite", "arenaWrite", null, 1.0,
                    "(2) dma_alloc_coherent + writing every byte + free no slower than Arena at any size"),
            new Target("DmaAllocBench", "jcma", "arena", "size=(4096|65536)", 1.5,
                    "(2) dma_alloc_coherent + free within 1.5x of Arena up to 64 KiB"),
            new Target("DmaAllocBench", "jcma", "netty", "size=(4096|65536)", 2.0,
                    "(2) dma_alloc_coherent + free within 2x of Netty up to 64 KiB"),
            new Target("MigrateBench", "jcma", "copy", null, 2.0,
                    "(3) migration at least half the speed of MemorySegment.copy"),
            new Target("DmaAllocBench", "jcma", "fill", "size=(1048576|16777216)", 1.25,
                    "(6) zeroed dma_alloc_coherent at 1 and 16 MiB at least 80% of MemorySegment.fill"),
            new Target("BootScaleBench", "jcma", "sparse", null, Double.NaN,
                    "(5) a 64 GiB machine with a 16 GiB area boots in under 1 s with RSS under 512 MiB",
                    r -> r.jcmaMedian() < 1000 && r.aux().getOrDefault("rssMiB", Double.MAX_VALUE) < 512));

    public static void main(String[] args) throws IOException {
        JsonNode root = new ObjectMapper().readTree(Files.readString(Path.of(args[0])));
        List<Row> rows = rows(root);
        String md = markdown(rows, root, args.length > 2 ? args[2] : "bench/run");
        Files.writeString(Path.of(args[1]), md);
        System.out.print(md);
    }

    static List<Row> rows(JsonNode root) {
        Map<String, Map<String, JsonNode>> byClassParams = new TreeMap<>();
        for (JsonNode b : root) {
            String full = b.get("benchmark").asText();
            String cls = full.substring(full.lastIndexOf('.', full.lastIndexOf('.') - 1) + 1, full.lastIndexOf('.'));
            String method = full.substring(full.lastIndexOf('.') + 1);
            String params = params(b);
            byClassParams.computeIfAbsent(cls + "\u0000" + params, k -> new LinkedHashMap<>()).put(method, b);
        }
        List<Row> rows = new ArrayList<>();
        byClassParams.forEach((key, methods) -> {
            String cls = key.substring(0, key.indexOf('\u0000'));
            String params = key.substring(key.indexOf('\u0000') + 1);
            methods.forEach((jm, jb) -> {
                if (!jm.startsWith("jcma")) {
                    return;
                }
                String suffix = lastWord(jm);
                methods.forEach((pm, pb) -> {
                    if (pm.startsWith("jcma") || !lastWord(pm).equals(suffix)) {
                        return;
                    }
                    JsonNode jp = jb.get("primaryMetric");
                    JsonNode pp = pb.get("primaryMetric");
                    Map<String, Double> aux = new TreeMap<>();
                    JsonNode sec = jb.get("secondaryMetrics");
                    if (sec != null) {
                        sec.fields().forEachRemaining(e -> aux.put(e.getKey(), median(e.getValue())));
                    }
                    rows.add(new Row(cls, params, jm, median(jp), jp.get("scoreError").asDouble(), pm, median(pp),
                            pp.get("scoreError").asDouble(), jp.get("scoreUnit").asText(), aux));
                });
            });
        });
        return rows;
    }

    /** The last capitalised word of a method name: "jnaDirectCall" -> "Call", "plain" -> "". */
    static String lastWord(String method) {
        for (int i = method.length() - 1; i > 0; i--) {
            if (Character.isUpperCase(method.charAt(i))) {
                return method.substring(i);
            }
        }
        return "";
    }

    static double median(JsonNode metric) {
        JsonNode p = metric.get("scorePercentiles");
        if (p != null && p.has("50.0")) {
            return p.get("50.0").asDouble();
        }
        return metric.get("score").asDouble();
    }

    static String params(JsonNode b) {
        JsonNode p = b.get("params");
        if (p == null) {
            return "";
        }
        List<String> out = new ArrayList<>();
        p.fields().forEachRemaining(e -> out.add(e.getKey() + "=" + e.getValue().asText()));
        return String.join(" ", out);
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (Math.abs(v) >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String markdown(List<Row> rows, JsonNode root, String command) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("# Benchmarks\n\n");
        sb.append("Generated by `bench/run` from `bench/results/latest.json`. Each jcma figure is beside its peer\n");
        sb.append("measured in the same run; the ratio is jcma / peer (time: lower is better). Machines here are\n");
        sb.append("shared and noisy: read the ratios, not the absolute times.\n\n");
        sb.append("- Date: ").append(ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME)).append('\n');
        sb.append("- Machine: ").append(machine()).append('\n');
        JsonNode first = root.size() > 0 ? root.get(0) : null;
        if (first != null) {
            sb.append("- JDK: ").append(first.get("jdkVersion").asText()).append(" (").append(first.get("vmName").asText())
                    .append(")\n");
            sb.append("- JMH: ").append(first.get("jmhVersion").asText()).append(", forks ").append(first.get("forks").asInt())
                    .append(", warmup ").append(first.get("warmupIterations").asInt()).append(" x ")
                    .append(first.get("warmupTime").asText()).append(", measurement ")
                    .append(first.get("measurementIterations").asInt()).append(" x ")
                    .append(first.get("measurementTime").asText()).append('\n');
        }
        sb.append("- Command: `").append(command).append("`\n\n");
        sb.append("| benchmark | params | jcma | median | ± error | peer | peer median | ± error | unit | ratio | extra |\n");
        sb.append("|---|---|---|---:|---:|---|---:|---:|---|---:|---|\n");
        for (Row r : rows) {
            StringBuilder extra = new StringBuilder();
            r.aux().forEach((k, v) -> extra.append(k).append('=').append(fmt(v)).append(' '));
            sb.append("| ").append(r.cls()).append(" | ").append(r.params()).append(" | ").append(r.jcma())
                    .append(" | ").append(fmt(r.jcmaMedian())).append(" | ").append(fmt(r.jcmaError()))
                    .append(" | ").append(r.peer()).append(" | ").append(fmt(r.peerMedian())).append(" | ")
                    .append(fmt(r.peerError())).append(" | ").append(r.unit()).append(" | ")
                    .append(fmt(r.ratio())).append(" | ").append(extra.toString().strip()).append(" |\n");
        }
        sb.append("\n## Targets\n\n");
        for (Target t : TARGETS) {
            List<Row> hit = rows.stream().filter(t::matches).toList();
            String verdict;
            if (hit.isEmpty()) {
                verdict = "not measured in this run";
            } else if (t.absolute() != null) {
                boolean ok = hit.stream().allMatch(t.absolute());
                Row r = hit.getFirst();
                verdict = (ok ? "**met**" : "**missed**") + " (" + fmt(r.jcmaMedian()) + " " + r.unit() + ", "
                        + r.aux().entrySet().stream().map(e -> e.getKey() + " " + fmt(e.getValue()))
                        .reduce((x, y) -> x + ", " + y).orElse("") + ")";
            } else if (Double.isNaN(t.maxRatio())) {
                verdict = "see the table";
            } else {
                long missed = hit.stream().filter(r -> !(r.ratio() <= t.maxRatio())).count();
                verdict = missed == 0 ? "**met** (worst ratio " + fmt(hit.stream().mapToDouble(Row::ratio).max().orElse(0)) + ")"
                        : "**missed** in " + missed + " of " + hit.size() + " rows";
            }
            sb.append("- ").append(t.text()).append(": ").append(verdict).append('\n');
        }
        Path notes = Path.of("bench/NOTES.md");
        if (Files.exists(notes)) {
            sb.append('\n').append(Files.readString(notes));
        }
        return sb.toString();
    }

    static String machine() throws IOException {
        String model = "?";
        for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (l.startsWith("model name")) {
                model = l.substring(l.indexOf(':') + 1).strip();
                break;
            }
        }
        return Runtime.getRuntime().availableProcessors() + " cores, " + model + ", "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB max heap";
    }
}

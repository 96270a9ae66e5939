package io.jcma.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcma.shim.HugepageSize;
import io.jcma.shim.Hugepages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code ./jcma hugepages} as root on real hugepages. */
class HugepagesCommandTest {
    private static final HugepageSize SIZE = HugepageSize.SIZE_2M;

    @BeforeEach
    void host() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/sys/kernel/mm/hugepages/" + SIZE.sysfsName())),
                "host without 2M hugepages");
        boolean root = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("Uid:")).anyMatch(l -> l.split("\\s+")[2].equals("0"));
        assumeTrue(root, "needs root: physical addresses need CAP_SYS_ADMIN and nr_hugepages is written as root");
    }

    private record Run(int code, String out) {
    }

    private static Run run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Run(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void jsonListsFourPagesWithPfnsAndTheChecks() throws Exception {
        Run r = run("hugepages", "--count", "4", "--json");
        assertThat(r.code()).as(r.out()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("size").asText()).isEqualTo("2M");
        assertThat(root.get("kind").asText()).isEqualTo("hugetlb");
        JsonNode pages = root.get("pages");
        assertThat(pages).hasSize(4);
        long total = 0;
        for (JsonNode p : pages) {
            long pfn = p.get("pfn").asLong();
            assertThat(pfn).isPositive();
            assertThat(pfn % 512).as("2M aligned head pfn").isZero();
            assertThat(p.get("phys").asText()).isEqualTo("0x" + Long.toHexString(pfn << 12));
        }
        for (JsonNode run : root.get("remapped_runs")) {
            total += run.get("pages").asLong();
        }
        assertThat(total).isEqualTo(4);
        assertThat(root.get("checks")).extracting(c -> c.get("name").asText())
                .contains("pagemap-visible", "pagemap-contiguous", "kpageflags", "remap-contiguous", "mlocked");
        for (JsonNode c : root.get("checks")) {
            assertThat(c.get("ok").asBoolean()).as(c.toString()).isTrue();
        }
        assertThat(root.get("translated_pages").asLong()).isEqualTo(4 * 512);
    }

    @Test
    void raisesNrHugepagesWhenNeededAndRestoresIt() throws Exception {
        Hugepages h = Hugepages.system();
        long before = h.pool(SIZE).total();
        int count = (int) h.pool(SIZE).available() + 2;
        Run r = run("hugepages", "--count", Integer.toString(count), "--json");
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("reservation").get("changed").asBoolean()).isTrue();
        assertThat(root.get("reservation").get("nr_hugepages_before").asLong()).isEqualTo(before);
        assertThat(root.get("pages")).hasSize(count);
        assertThat(h.pool(SIZE).total()).as("nr_hugepages restored").isEqualTo(before);
    }

    @Test
    void textOutputNamesTheRunsAndChecks() {
        Run r = run("hugepages", "--count", "2");
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("2 x 2M hugetlb pages", "runs after remap by pfn:", "pagemap-contiguous   ok");
    }

    @Test
    void badCountIsAnError() {
        assertThat(Main.run("hugepages", "--count", "0")).isEqualTo(2);
        assertThat(Main.run("hugepages", "--size", "3M")).isEqualTo(2);
    }
}

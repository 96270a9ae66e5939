package io.jcma.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcma.junit.testing.DockerApi;
import io.jcma.junit.testing.HostHugepages;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./jcma hugepages --container}: the probe in a container with CAP_SYS_ADMIN, printed as
 * the command prints it here. Needs a Docker engine that has the image (and free hugepages),
 * not root.
 */
class HugepagesContainerCommandTest {
    private static void assumeEngineImageAndHugepages() {
        DockerApi.assumeEngineWithImage();
        HostHugepages.assumeAvailable(4);
    }

    @Test
    void jsonFromTheContainerHasRealPfnsAndPassingChecks() throws Exception {
        assumeEngineImageAndHugepages();
        Jcma.Run r = Jcma.run("hugepages", "--container", DockerApi.image(), "--count", "4", "--json");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.err()).contains("jcma: hugepages in a container of " + DockerApi.image());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(fields(root)).containsExactly("size", "kind", "fallback", "count", "locked", "pool", "reservation",
                "pages", "runs", "remapped_runs", "checks", "translated_pages", "translate_ns");
        assertThat(root.get("kind").asText()).isEqualTo("hugetlb");
        assertThat(root.get("locked").asBoolean()).as("mlock with CAP_IPC_LOCK").isTrue();
        assertThat(root.get("pages")).hasSize(4);
        for (JsonNode p : root.get("pages")) {
            long pfn = p.get("pfn").asLong();
            assertThat(pfn).isPositive();
            assertThat(pfn % 512).as("2M aligned head pfn").isZero();
            assertThat(p.get("phys").asText()).isEqualTo("0x" + Long.toHexString(pfn << 12));
        }
        assertThat(root.get("checks")).extracting(c -> c.get("name").asText())
                .contains("pagemap-visible", "pagemap-contiguous", "kpageflags", "remap-contiguous", "mlocked");
        for (JsonNode c : root.get("checks")) {
            assertThat(c.get("ok").asBoolean()).as(c.toString()).isTrue();
        }
    }

    @Test
    void textFromTheContainerNamesTheRunsAndChecks() {
        assumeEngineImageAndHugepages();
        Jcma.Run r = Jcma.run("hugepages", "--count", "2", "--container", DockerApi.image());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("2 x 2M hugetlb pages", "runs after remap by pfn:", "pagemap-visible      ok",
                "pagemap-contiguous   ok");
    }

    @Test
    void aBadCountFailsBeforeAnyContainerStarts() {
        Jcma.Run r = Jcma.run("hugepages", "--container", "--count", "0");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--count: 0 (expected: > 0)").doesNotContain("in a container of");
    }

    private static List<String> fields(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }
}

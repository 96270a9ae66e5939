package io.jcma.dma;

import io.jcma.cma.boot.Platform;
import jdk.jfr.EventType;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The tracepoints as JFR events: allocations, maps, bounces, unmaps and frees are recorded. */
class DmaEventsTest {

    @Test
    void eventsAreRecorded() throws Exception {
        Dma dma = Dma.boot(Platform.builder().mem(128L << 20).cmdline("cma=8M swiotlb=256").build(),
                DmaOptions.defaults().withDebug(true));
        Path file = Files.createTempFile("jcma-dma", ".jfr");
        try (Recording r = new Recording()) {
            for (String n : List.of("jcma.DmaAlloc", "jcma.DmaFree", "jcma.DmaMapPage", "jcma.DmaUnmapPage",
                    "jcma.SwiotlbBounced")) {
                r.enable(n);
            }
            r.start();
            Device dev = dma.newDevice("d0").driver("drv").build();
            DmaBuffer b = dma.allocCoherent(dev, 8192).orElseThrow();
            long a = dma.mapSingle(dev, MemorySegment.ofArray(new byte[100]), DmaDirection.TO_DEVICE);
            dma.mappingError(dev, a);
            dma.unmapSingle(dev, a, 100, DmaDirection.TO_DEVICE);
            dma.freeCoherent(dev, 8192, b);
            r.stop();
            r.dump(file);
            List<RecordedEvent> events = RecordingFile.readAllEvents(file);
            assertThat(events).extracting(e -> e.getEventType().getName()).contains("jcma.DmaAlloc", "jcma.DmaFree",
                    "jcma.DmaMapPage", "jcma.DmaUnmapPage", "jcma.SwiotlbBounced");
            RecordedEvent alloc = events.stream().filter(e -> e.getEventType().getName().equals("jcma.DmaAlloc"))
                    .findFirst().orElseThrow();
            assertThat(alloc.getLong("dmaAddress")).isEqualTo(b.dmaAddress());
            assertThat(alloc.getString("source")).isEqualTo("cma:reserved");
            RecordedEvent map = events.stream().filter(e -> e.getEventType().getName().equals("jcma.DmaMapPage"))
                    .findFirst().orElseThrow();
            assertThat(map.getBoolean("bounced")).isTrue();
            assertThat(map.getString("direction")).isEqualTo("DMA_TO_DEVICE");
            // units, so that JMC shows sizes and addresses rather than raw longs
            List<String> dmaEvents = List.of("jcma.DmaAlloc", "jcma.DmaFree", "jcma.DmaMapPage", "jcma.DmaUnmapPage",
                    "jcma.SwiotlbBounced");
            for (RecordedEvent e : events.stream().filter(x -> dmaEvents.contains(x.getEventType().getName())).toList()) {
                EventType t = e.getEventType();
                assertThat(t.getField("size").getContentType()).as(t.getName() + ".size").isEqualTo("jdk.jfr.DataAmount");
                assertThat(t.getField("dmaAddress").getContentType()).as(t.getName() + ".dmaAddress")
                        .isEqualTo("jdk.jfr.MemoryAddress");
            }
            assertThat(map.getEventType().getField("physAddress").getContentType()).isEqualTo("jdk.jfr.MemoryAddress");
        } finally {
            Files.deleteIfExists(file);
            dma.machine().close();
        }
    }
}

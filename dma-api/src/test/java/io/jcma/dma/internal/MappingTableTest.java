package io.jcma.dma.internal;

import io.jcma.cma.boot.Platform;
import io.jcma.dma.Dma;
import io.jcma.dma.DmaDirection;
import io.jcma.dma.DmaOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The live streaming mappings: found by address, taken out by identity. */
class MappingTableTest {
    private Dma dma;
    private DeviceImpl dev;
    private DeviceImpl other;
    private final MappingTable table = new MappingTable();

    @BeforeEach
    void boot() {
        dma = Dma.boot(Platform.builder().mem(64L << 20).build(), DmaOptions.defaults());
        dev = (DeviceImpl) dma.newDevice("a").build();
        other = (DeviceImpl) dma.newDevice("b").build();
    }

    @AfterEach
    void close() {
        dma.machine().close();
    }

    private Mapping direct(DeviceImpl d, MemorySegment seg, long dma) {
        return new Mapping.Direct(new Mapping.Request(d, seg, OptionalLong.of(dma), DmaDirection.TO_DEVICE, "-"), dma);
    }

    @Test
    void twoEqualMappingsAreTwoEntries() {
        MemorySegment seg = dma.machine().memory().segment(100, 1);
        Mapping first = direct(dev, seg, 100L << 12);
        Mapping second = direct(dev, seg, 100L << 12);
        assertThat(first).isEqualTo(second);
        table.addSingle(first);
        table.addSingle(second);
        assertThat(table.removeSingle(dev, 100L << 12, 4096)).containsSame(first);
        assertThat(table.removeSingle(dev, 100L << 12, 4096)).containsSame(second);
        assertThat(table.removeSingle(dev, 100L << 12, 4096)).isEmpty();
    }

    @Test
    void removeSinglePrefersTheMappingOfThatSize() {
        Mapping small = direct(dev, dma.machine().memory().segment(100, 1).asSlice(0, 64), 100L << 12);
        Mapping page = direct(dev, dma.machine().memory().segment(100, 1), 100L << 12);
        table.addSingle(small);
        table.addSingle(page);
        assertThat(table.removeSingle(dev, 100L << 12, 4096)).containsSame(page);
        assertThat(table.removeSingle(dev, 100L << 12, 1)).as("else the oldest").containsSame(small);
    }

    @Test
    void findContainingLooksInsideSinglesThenScatterlistEntriesOfThatDeviceOnly() {
        Mapping single = direct(dev, dma.machine().memory().segment(100, 2), 100L << 12);
        Mapping entry = direct(dev, dma.machine().memory().segment(300, 1), 300L << 12);
        table.addSingle(single);
        table.addSg(List.of(entry));
        assertThat(table.findContaining(dev, (101L << 12) + 8, 16)).containsSame(single);
        assertThat(table.findContaining(dev, (300L << 12) + 8, 16)).containsSame(entry);
        assertThat(table.findContaining(dev, (101L << 12) + 4090, 16)).as("past the end").isEmpty();
        assertThat(table.findContaining(other, (101L << 12) + 8, 16)).isEmpty();
        assertThat(table.removeSingle(dev, 300L << 12, 4096)).as("never a scatterlist entry").isEmpty();
        table.removeSg(List.of(entry));
        assertThat(table.findContaining(dev, (300L << 12) + 8, 16)).isEmpty();
    }
}

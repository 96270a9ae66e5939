package io.jcma.dma;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The documented @throws of the public interfaces that no other test exercises, one test each. */
class ApiThrowsTest {
    private Dma dma;
    private Device dev;

    @BeforeEach
    void boot() {
        dma = ReviewFixture.boot();
        dev = dma.newDevice("dev0").driver("drv").build();
    }

    @AfterEach
    void close() {
        dma.machine().close();
    }

    @Test
    void newDeviceWithoutANameIsRefused() {
        assertThatThrownBy(() -> dma.newDevice(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name: null (expected: a device name)");
    }

    @Test
    void aSecondDeviceOfTheSameNameIsRefused() {
        assertThatThrownBy(() -> dma.newDevice("dev0").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name: dev0 (expected: unique; a device has it)");
    }

    @Test
    void bindWithoutADriverNameIsRefused() {
        dma.unbind(dev);
        assertThatThrownBy(() -> dma.bind(dev, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("driver: null (expected: a name)");
        assertThatThrownBy(() -> dma.bind(dev, "")).isInstanceOf(IllegalArgumentException.class);
        assertThat(dev.bound()).isFalse();
    }

    @Test
    void unbindWithoutADriverIsIllegalState() {
        dma.unbind(dev);
        assertThatThrownBy(() -> dma.unbind(dev)).isInstanceOf(IllegalStateException.class)
                .hasMessage("unbind: device=dev0 has no driver");
    }

    @Test
    void setMaskAndCoherentWithAnUnsupportedMaskChangesNeitherMask() {
        long before = dev.dmaMask();
        assertThatThrownBy(() -> dma.setMaskAndCoherent(dev, 0xffff))
                .satisfies(t -> assertThat(((ErrnoException) t).errno()).isEqualTo(Errno.EIO));
        assertThat(dev.dmaMask()).isEqualTo(before);
        assertThat(dev.coherentDmaMask()).isEqualTo(before);
    }

    @Test
    void freeingAnExportedBufferIsIllegalState() {
        DmaBuffer b = dma.allocCoherent(dev, 4096).orElseThrow();
        DmaBuf buf = dma.bufExport(b);
        assertThatThrownBy(() -> dma.freeCoherent(dev, 4096, b)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is exported as a dma-buf (expected: dma_buf_put)");
        assertThat(b.freed()).isFalse();
        buf.put();
        assertThat(b.freed()).isTrue();
    }

    @Test
    void exportingTwiceIsIllegalState() {
        DmaBuffer b = dma.allocCoherent(dev, 4096).orElseThrow();
        DmaBuf buf = dma.bufExport(b);
        assertThatThrownBy(() -> dma.bufExport(b)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("expected: a live buffer not yet exported");
        buf.put();
    }

    @Test
    void dmamFreeOfAnUnmanagedBufferIsIllegalState() {
        DmaBuffer b = dma.allocCoherent(dev, 4096).orElseThrow();
        assertThatThrownBy(() -> dma.dmamFreeCoherent(dev, 4096, b)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("expected: a dmam_alloc_coherent buffer");
        dma.freeCoherent(dev, 4096, b);
    }

    @Test
    void unmapSgOfAListTheDeviceDidNotMapIsIllegalState() {
        Scatterlist sg = Scatterlist.of(MemorySegment.ofArray(new byte[64]));
        assertThatThrownBy(() -> dma.unmapSg(dev, sg, 1, DmaDirection.TO_DEVICE, 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("expected: a list this device mapped");
    }

    @Test
    void zallocOfADestroyedPoolIsIllegalState() {
        DmaPool pool = dma.poolCreate("p", dev, 64, 0, 0).orElseThrow();
        pool.destroy();
        assertThatThrownBy(pool::zalloc).isInstanceOf(IllegalStateException.class).hasMessage("dma_pool_alloc: pool=p is destroyed");
    }

    @Test
    void anAttachmentRefusesANoneDirectionAndATableItDidNotMap() {
        DmaBuf buf = dma.bufExport(dma.allocCoherent(dev, 8192).orElseThrow());
        DmaBuf.Attachment at = buf.attach(dev);
        assertThatThrownBy(() -> at.map(DmaDirection.NONE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("dir: NONE");
        Scatterlist mine = at.map(DmaDirection.TO_DEVICE);
        assertThatThrownBy(() -> at.unmap(Scatterlist.of(MemorySegment.ofArray(new byte[8])), DmaDirection.TO_DEVICE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not mapped by this attachment");
        assertThatThrownBy(() -> at.unmap(mine, DmaDirection.NONE)).isInstanceOf(IllegalArgumentException.class);
        at.unmap(mine, DmaDirection.TO_DEVICE);
        at.detach();
        assertThatThrownBy(at::detach).isInstanceOf(IllegalStateException.class).hasMessageContaining("already detached");
        buf.put();
    }

    @Test
    void aScatterlistNeedsEntriesAndChecksItsIndices() {
        assertThatThrownBy(() -> Scatterlist.of()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("entries: 0 (expected: at least one)");
        // a zero-length entry is the kernel's business at map time, not the list's
        assertThat(Scatterlist.of(MemorySegment.ofArray(new byte[4]), MemorySegment.ofArray(new byte[0])).nents())
                .isEqualTo(2);
        Scatterlist sg = Scatterlist.of(MemorySegment.ofArray(new byte[4]));
        assertThatThrownBy(() -> sg.buffer(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> sg.dmaAddress(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> sg.dmaLength(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void iommuMapWithoutAPermissionIsRefusedAndMapsNothing() {
        IommuDomain d = IommuDomain.create(32);
        assertThatThrownBy(() -> d.map(0x10000, 0x1000, 0x2000, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prot: 0");
        assertThat(d.mappedPages()).isZero();
    }

    @Test
    void aDeviceReadIntoAReadOnlyOrClosedSegmentThrowsAsTheJdkDoes() {
        DmaBuffer b = dma.allocCoherent(dev, 4096).orElseThrow();
        MemorySegment ro = MemorySegment.ofArray(new byte[16]).asReadOnly();
        assertThatThrownBy(() -> dev.memory().read(b.dmaAddress(), ro)).isInstanceOf(IllegalArgumentException.class);
        MemorySegment closed;
        try (Arena a = Arena.ofConfined()) {
            closed = a.allocate(16);
        }
        assertThatThrownBy(() -> dev.memory().write(b.dmaAddress(), closed)).isInstanceOf(IllegalStateException.class);
        MemorySegment anywhere = MemorySegment.ofArray(new byte[16]);
        assertThat(dev.memory().read(0x7fff_0000_0000L, ro)).as("refused before the segment is touched")
                .isInstanceOf(DmaStatus.Unassigned.class);
        assertThat(dev.memory().read(b.dmaAddress(), anywhere)).isEqualTo(DmaStatus.OK);
        dma.freeCoherent(dev, 4096, b);
    }
}

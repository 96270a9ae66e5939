package io.jcma.dma.internal;

import io.jcma.dma.Device;
import io.jcma.dma.DmaAttrs;
import io.jcma.dma.DmaBuf;
import io.jcma.dma.DmaBuffer;
import io.jcma.dma.DmaDirection;
import io.jcma.dma.Scatterlist;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.mm.Mm;

import java.util.ArrayList;
import java.util.List;

/**
 * Mirrors drivers/dma-buf/dma-buf.c for a dma-buf over one coherent buffer. The exporter's
 * map_dma_buf builds an sg table of the buffer's physically contiguous chunks and maps it for
 * the attached device with DMA_ATTR_SKIP_CPU_SYNC (what most exporters do); release frees the
 * buffer.
 */
public final class DmaBufImpl implements DmaBuf {
    private final DmaImpl layer;
    private final DmaBufferImpl buf;
    private final List<AttachmentImpl> attachments = new ArrayList<>();
    private long refs = 1;
    private boolean released;

    DmaBufImpl(DmaImpl layer, DmaBufferImpl buf) {
        this.layer = layer;
        this.buf = buf;
    }

    @Override
    public DmaBuffer buffer() {
        return buf;
    }

    @Override
    public long size() {
        return buf.size();
    }

    @Override
    public synchronized long refcount() {
        return refs;
    }

    @Override
    public synchronized boolean released() {
        return released;
    }

    private void checkLive(String fn) {
        if (released) {
            throw new IllegalStateException(fn + ": dma-buf of " + buf + " is released");
        }
    }

    @Override
    public synchronized DmaBuf get() {
        checkLive("get_dma_buf");
        refs++;
        return this;
    }

    @Override
    public void put() {
        List<AttachmentImpl> left;
        synchronized (this) {
            checkLive("dma_buf_put");
            if (--refs > 0) {
                return;
            }
            released = true;
            left = new ArrayList<>(attachments);
        }
        if (!left.isEmpty()) {
            layer.log().warn("dma-buf: release of " + Mm.pa(buf.dmaAddress()) + " with " + left.size()
                    + " attachment(s) still attached");
            for (AttachmentImpl a : left) {
                a.detach();
            }
        }
        layer.releaseChecked(buf);
    }

    @Override
    public synchronized Attachment attach(Device importer) {
        checkLive("dma_buf_attach");
        AttachmentImpl a = new AttachmentImpl(layer.dev(importer));
        attachments.add(a);
        return a;
    }

    public final class AttachmentImpl implements Attachment {
        private final DeviceImpl dev;
        private Scatterlist mapped;
        private DmaDirection mappedDir;
        private boolean detached;

        AttachmentImpl(DeviceImpl dev) {
            this.dev = dev;
        }

        @Override
        public Device device() {
            return dev;
        }

        @Override
        public synchronized Scatterlist map(DmaDirection dir) {
            if (detached) {
                throw new IllegalStateException("dma_buf_map_attachment: attachment of " + dev.name() + " is detached");
            }
            if (mapped != null) {
                throw new IllegalStateException("dma_buf_map_attachment: already mapped for " + dev.name());
            }
            Scatterlist sgt = Scatterlist.of(buf.chunks());
            int n = layer.mapSg(dev, sgt, sgt.nents(), dir, DmaAttrs.SKIP_CPU_SYNC);
            if (n == 0) {
                throw new ErrnoException(Errno.ENOMEM, "dma_buf_map_attachment: dev=" + dev.name() + " cannot map "
                        + buf.size() + " bytes");
            }
            mapped = sgt;
            mappedDir = dir;
            return sgt;
        }

        @Override
        public synchronized void unmap(Scatterlist sgt, DmaDirection dir) {
            if (sgt != mapped) {
                throw new IllegalStateException("dma_buf_unmap_attachment: table was not mapped by this attachment");
            }
            layer.unmapSg(dev, sgt, sgt.nents(), dir, DmaAttrs.SKIP_CPU_SYNC);
            mapped = null;
        }

        @Override
        public void detach() {
            synchronized (this) {
                if (detached) {
                    throw new IllegalStateException("dma_buf_detach: already detached (" + dev.name() + ")");
                }
                if (mapped != null) {
                    unmap(mapped, mappedDir);
                }
                detached = true;
            }
            synchronized (DmaBufImpl.this) {
                attachments.remove(this);
            }
        }
    }
}

package io.jcma.dma.internal.debug;

import io.jcma.cma.kernel.CallSite;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.cma.mm.Mm;
import io.jcma.dma.Device;
import io.jcma.dma.Dma;
import io.jcma.dma.DmaAttrs;
import io.jcma.dma.DmaDebug;
import io.jcma.dma.DmaDebugError;
import io.jcma.dma.DmaDirection;
import io.jcma.dma.Scatterlist;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mirrors kernel/dma/debug.c: an entry per mapping and coherent allocation, keyed by device and
 * DMA address; every unmap, free and sync is checked against them. Reports are counted, kept,
 * and logged as the kernel's WARN does (only the first {@code num_errors} unless all_errors).
 * The dispatcher calls the debug_dma_* hooks below after (map, alloc) or before (unmap, free,
 * sync) the ops do their work, as kernel/dma/mapping.c does; {@link DmaDebugFs} is its debugfs.
 *
 * <p>Overlapping mappings: as add_dma_entry() does, the first cacheline of every entry a device
 * may write is tracked; a second entry starting in the same cacheline is reported
 * ("cacheline tracking EEXIST, overlapping mappings aren't supported") unless it was mapped
 * with DMA_ATTR_SKIP_CPU_SYNC; DMA_TO_DEVICE entries are not tracked. 6.12 makes no other
 * exception (later kernels also spare arm64's bounced kmalloc buffers).
 *
 * <p>Beyond the kernel: the last freed ranges of each device are remembered so that a device
 * access to them is a fault (use after free from the device side).
 *
 * <p>Locking: one monitor (this) guards the entries, the freed ranges and the counters; it is
 * never held while logging, and nothing else is taken under it.
 */
public final class DmaDebugImpl implements DmaDebug {
    /**
     * dma_debug_type: what kind of mapping an entry is, with the names debug.c prints. Mainline
     * 6.12 still spells the scatterlist type "scather-gather"; Debian's 6.12.117 prints
     * "scatter-gather", a later tree's spelling that came to the stable branch with post-6.12
     * dma-debug backports.
     */
    public enum Type {
        SINGLE("single"), SG("scather-gather"), COHERENT("coherent");

        private final String kernelName;

        Type(String kernelName) {
            this.kernelName = kernelName;
        }
    }

    /** map_err_types, with the names debug.c prints. */
    private enum MapErr {
        NA("dma map error check not applicable"), NOT_CHECKED("dma map error not checked"),
        CHECKED("dma map error checked");

        private final String kernelName;

        MapErr(String kernelName) {
            this.kernelName = kernelName;
        }
    }

    /** Finds the driver's frame for a report: the first one outside the DMA layer's code. */
    private static final CallSite CALLER = CallSite.outside(Dma.class);

    /** L1_CACHE_SHIFT of x86-64 and arm64: 64-byte cachelines. */
    private static final int L1_CACHE_SHIFT = 6;
    /** ACTIVE_CACHELINE_MAX_OVERLAP: (1 &lt;&lt; RADIX_TREE_MAX_TAGS) - 1, three tag bits. */
    private static final int ACTIVE_CACHELINE_MAX_OVERLAP = 7;
    private static final int HASH_FN_SHIFT = 13;
    private static final long HASH_SIZE = 16384;
    private static final int FREED_REMEMBERED = 4096;

    /** struct dma_debug_entry. */
    private static final class Entry {
        Device dev;
        Type type;
        long dmaAddr;
        long size;
        DmaDirection dir;
        int sgCallEnts;
        int sgMappedEnts;
        long pfn;
        long offset;
        MapErr mapErr = MapErr.NA;
        String site;
    }

    private record Freed(Device dev, long dma, long size, String site) {
    }

    private final boolean enabled;
    private final KernelLog log;
    private final TreeMap<Long, List<Entry>> hash = new TreeMap<>();
    private long maxSize;
    private final List<DmaDebugError> errors = new ArrayList<>();
    private final Deque<Freed> freed = new ArrayDeque<>();
    /**
     * dma_active_cacheline: the first cacheline of each entry the device may write (not
     * DMA_TO_DEVICE), with how many more entries share it (the radix tree's overlap tags).
     */
    private final Map<Long, Integer> activeCachelines = new HashMap<>();
    private boolean overlapWarned;
    private long errorCount;
    /** num_errors: reports still to print (debugfs, read-write). */
    volatile long showNumErrors = 1;
    /** all_errors: print every report (debugfs, read-write). */
    volatile long showAllErrors;

    public DmaDebugImpl(boolean enabled, KernelLog log) {
        this.enabled = enabled;
        this.log = log;
    }

    @Override
    public boolean enabled() {
        return enabled;
    }

    /**
     * The caller outside the DMA layer, as "Class.method(File:line)": what the kernel's
     * debug_dma_* hooks record as the mapping's stack (dma_debug_entry.stack).
     */
    public String site() {
        return enabled ? CALLER.find() : "-";
    }

    /** err_printk(). */
    private void err(Device dev, Entry entry, String msg, long addr, long size, DmaDirection dir) {
        String site = entry != null ? entry.site : site();
        DmaDebugError e = new DmaDebugError(dev.driverName(), dev.name(), msg, addr, size, dir, site);
        boolean show;
        synchronized (this) {
            errorCount++;
            errors.add(e);
            show = showAllErrors != 0 || showNumErrors > 0;
            if (showAllErrors == 0 && showNumErrors > 0) {
                showNumErrors--;
            }
        }
        if (show) {
            // the WARN text goes to dmesg line by line, the prefix only on the first
            String[] lines = msg.split("\n");
            log.warn("DMA-API: " + dev.driverName() + " " + dev.name() + ": " + lines[0]);
            for (int i = 1; i < lines.length; i++) {
                log.warn(lines[i]);
            }
            // dump_entry_trace(NULL) prints nothing: there is no mapping whose stack to show
            if (entry != null) {
                log.warn("DMA-API: Mapped at: " + site);
            }
        }
    }

    private static String hex(long a) {
        return String.format("0x%016x", a);
    }

    /**
     * add_dma_entry(): the entry goes into the hash and its first cacheline into
     * dma_active_cacheline; a cacheline already there is an overlapping mapping, reported
     * ("cacheline tracking EEXIST") unless the mapping was made with DMA_ATTR_SKIP_CPU_SYNC.
     */
    private void add(Entry e, long attrs) {
        boolean eexist;
        String exceeded = null;
        synchronized (this) {
            hash.computeIfAbsent(e.dmaAddr, k -> new ArrayList<>()).add(e);
            maxSize = Math.max(maxSize, e.size);
            forgetFreed(e.dev, e.dmaAddr, e.size);
            eexist = false;
            // active_cacheline_insert(): a device that only reads cannot leave the CPU stale data
            if (e.dir != DmaDirection.TO_DEVICE) {
                long cln = cacheline(e);
                Integer overlap = activeCachelines.get(cln);
                if (overlap == null) {
                    activeCachelines.put(cln, 0);
                } else {
                    eexist = true;
                    if (overlap < ACTIVE_CACHELINE_MAX_OVERLAP) {
                        activeCachelines.put(cln, overlap + 1);
                    } else if (!overlapWarned) {
                        overlapWarned = true;
                        exceeded = "DMA-API: exceeded " + ACTIVE_CACHELINE_MAX_OVERLAP
                                + " overlapping mappings of cacheline " + Mm.pa(cln);
                    }
                }
            }
        }
        if (exceeded != null) {
            log.warn(exceeded);
        }
        if (eexist && (attrs & DmaAttrs.SKIP_CPU_SYNC) == 0) {
            err(e.dev, e, "cacheline tracking EEXIST, overlapping mappings aren't supported", e.dmaAddr, e.size, e.dir);
        }
    }

    /** to_cacheline_number(): the entry's first cacheline, (pfn, offset) in 64-byte units. */
    private static long cacheline(Entry e) {
        return (e.pfn << (Mm.PAGE_SHIFT - L1_CACHE_SHIFT)) + (e.offset >>> L1_CACHE_SHIFT);
    }

    /** hash_bucket_del() and active_cacheline_remove(). */
    private synchronized void remove(Entry e) {
        List<Entry> l = hash.get(e.dmaAddr);
        l.remove(e);
        if (l.isEmpty()) {
            hash.remove(e.dmaAddr);
        }
        if (e.dir != DmaDirection.TO_DEVICE) {
            long cln = cacheline(e);
            Integer overlap = activeCachelines.get(cln);
            if (overlap != null && overlap > 0) {
                activeCachelines.put(cln, overlap - 1);
            } else {
                activeCachelines.remove(cln);
            }
        }
    }

    private static int level(Entry a, Entry ref) {
        int lvl = 0;
        lvl += a.size == ref.size ? 1 : 0;
        lvl += a.type == ref.type ? 1 : 0;
        lvl += a.dir == ref.dir ? 1 : 0;
        lvl += a.sgCallEnts == ref.sgCallEnts ? 1 : 0;
        return lvl;
    }

    /** __hash_bucket_find() with the best-fit rule: one match, or a perfect one, or none. */
    private Entry bestFit(List<Entry> candidates, Entry ref) {
        Entry best = null;
        int last = -1;
        int matches = 0;
        for (Entry e : candidates) {
            matches++;
            int lvl = level(e, ref);
            if (lvl == 4) {
                return e;
            }
            if (lvl > last) {
                last = lvl;
                best = e;
            }
        }
        return matches == 1 ? best : null;
    }

    private synchronized Entry findExact(Entry ref) {
        List<Entry> l = hash.getOrDefault(ref.dmaAddr, List.of());
        return bestFit(l.stream().filter(e -> e.dev == ref.dev).toList(), ref);
    }

    private synchronized Entry findContaining(Entry ref) {
        List<Entry> c = new ArrayList<>();
        for (Map.Entry<Long, List<Entry>> me : hash.headMap(ref.dmaAddr, true).descendingMap().entrySet()) {
            if (me.getKey() + maxSize < ref.dmaAddr) {
                break;
            }
            for (Entry e : me.getValue()) {
                if (e.dev == ref.dev && e.dmaAddr <= ref.dmaAddr && e.dmaAddr + e.size >= ref.dmaAddr + ref.size) {
                    c.add(e);
                }
            }
            if (!c.isEmpty()) {
                break;
            }
        }
        return bestFit(c, ref);
    }

    private Entry ref(Device dev, Type type, long dma, long size, DmaDirection dir) {
        Entry r = new Entry();
        r.dev = dev;
        r.type = type;
        r.dmaAddr = dma;
        r.size = size;
        r.dir = dir;
        return r;
    }

    public void allocCoherent(Device dev, long size, long dma, long phys, long attrs, String site) {
        if (!enabled) {
            return;
        }
        Entry e = ref(dev, Type.COHERENT, dma, size, DmaDirection.BIDIRECTIONAL);
        e.pfn = Mm.pfnDown(phys);
        e.offset = phys & (Mm.PAGE_SIZE - 1);
        e.site = site;
        add(e, attrs);
    }

    /** debug_dma_free_coherent(): true when the free matched a live allocation. */
    public boolean freeCoherent(Device dev, long size, long dma, long phys) {
        if (!enabled) {
            return true;
        }
        Entry r = ref(dev, Type.COHERENT, dma, size, DmaDirection.BIDIRECTIONAL);
        r.pfn = Mm.pfnDown(phys);
        r.offset = phys & (Mm.PAGE_SIZE - 1);
        return checkUnmap(r);
    }

    public void mapPage(Device dev, long phys, long size, DmaDirection dir, long dma, long attrs, String site) {
        if (!enabled || dma == Dma.DMA_MAPPING_ERROR) {
            return;
        }
        Entry e = ref(dev, Type.SINGLE, dma, size, dir);
        e.pfn = Mm.pfnDown(phys);
        e.offset = phys & (Mm.PAGE_SIZE - 1);
        e.mapErr = MapErr.NOT_CHECKED;
        e.site = site;
        add(e, attrs);
    }

    /** debug_dma_mapping_error(). */
    public synchronized void mappingError(Device dev, long dma) {
        if (!enabled) {
            return;
        }
        for (Entry e : hash.getOrDefault(dma, List.of())) {
            if (e.dev == dev && e.mapErr == MapErr.NOT_CHECKED) {
                e.mapErr = MapErr.CHECKED;
                break;
            }
        }
    }

    public boolean unmapPage(Device dev, long dma, long size, DmaDirection dir) {
        if (!enabled) {
            return true;
        }
        return checkUnmap(ref(dev, Type.SINGLE, dma, size, dir));
    }

    public void mapSg(Device dev, Scatterlist sg, int nents, int mapped, DmaDirection dir, long[] phys, long attrs,
                      String site) {
        if (!enabled) {
            return;
        }
        for (int i = 0; i < mapped; i++) {
            Entry e = ref(dev, Type.SG, sg.dmaAddress(i), sg.dmaLength(i), dir);
            e.pfn = Mm.pfnDown(phys[i]);
            e.offset = phys[i] & (Mm.PAGE_SIZE - 1);
            e.sgCallEnts = nents;
            e.sgMappedEnts = mapped;
            e.site = site;
            add(e, attrs);
        }
    }

    public boolean unmapSg(Device dev, Scatterlist sg, int nelems, DmaDirection dir) {
        if (!enabled) {
            return true;
        }
        boolean ok = true;
        int mappedEnts = 0;
        for (int i = 0; i < nelems; i++) {
            if (mappedEnts != 0 && i >= mappedEnts) {
                break;
            }
            Entry r = ref(dev, Type.SG, sg.dmaAddress(i), sg.dmaLength(i), dir);
            r.sgCallEnts = nelems;
            if (i == 0) {
                Entry e = findExact(r);
                mappedEnts = e == null ? 0 : e.sgMappedEnts;
            }
            ok &= checkUnmap(r);
        }
        return ok;
    }

    /** check_unmap(): false when nothing was found to free. */
    private boolean checkUnmap(Entry ref) {
        Entry e = findExact(ref);
        Device dev = ref.dev;
        if (e == null) {
            if (ref.dmaAddr == Dma.DMA_MAPPING_ERROR) {
                err(dev, null, "device driver tries to free an invalid DMA memory address", ref.dmaAddr, ref.size, ref.dir);
            } else {
                err(dev, null, "device driver tries to free DMA memory it has not allocated [device address="
                        + hex(ref.dmaAddr) + "] [size=" + ref.size + " bytes]", ref.dmaAddr, ref.size, ref.dir);
            }
            return false;
        }
        if (ref.size != e.size) {
            err(dev, e, "device driver frees DMA memory with different size [device address=" + hex(ref.dmaAddr)
                    + "] [map size=" + e.size + " bytes] [unmap size=" + ref.size + " bytes]", ref.dmaAddr, ref.size, e.dir);
        }
        if (ref.type != e.type) {
            err(dev, e, "device driver frees DMA memory with wrong function [device address=" + hex(ref.dmaAddr)
                    + "] [size=" + ref.size + " bytes] [mapped as " + e.type.kernelName + "] [unmapped as " + ref.type.kernelName
                    + "]", ref.dmaAddr, ref.size, e.dir);
        } else if (e.type == Type.COHERENT && (ref.pfn != e.pfn || ref.offset != e.offset)) {
            err(dev, e, "device driver frees DMA memory with different CPU address [device address=" + hex(ref.dmaAddr)
                    + "] [size=" + ref.size + " bytes] [cpu alloc address=" + hex(Mm.pfnPhys(e.pfn) + e.offset)
                    + "] [cpu free address=" + hex(Mm.pfnPhys(ref.pfn) + ref.offset) + "]", ref.dmaAddr, ref.size, e.dir);
        }
        if (ref.sgCallEnts != 0 && ref.type == Type.SG && ref.sgCallEnts != e.sgCallEnts) {
            err(dev, e, "device driver frees DMA sg list with different entry count [map count=" + e.sgCallEnts
                    + "] [unmap count=" + ref.sgCallEnts + "]", ref.dmaAddr, ref.size, e.dir);
        }
        if (ref.dir != e.dir) {
            err(dev, e, "device driver frees DMA memory with different direction [device address=" + hex(ref.dmaAddr)
                    + "] [size=" + ref.size + " bytes] [mapped with " + e.dir.kernelName() + "] [unmapped with "
                    + ref.dir.kernelName() + "]", ref.dmaAddr, ref.size, e.dir);
        }
        if (e.mapErr == MapErr.NOT_CHECKED) {
            err(dev, e, "device driver failed to check map error[device address=" + hex(ref.dmaAddr) + "] [size="
                    + ref.size + " bytes] [mapped as " + e.type.kernelName + "]", ref.dmaAddr, ref.size, e.dir);
        }
        remove(e);
        rememberFreed(dev, e.dmaAddr, e.size, e.site);
        return true;
    }

    /** check_sync(). */
    public void sync(Device dev, Type type, long dma, long size, DmaDirection dir, boolean toCpu, int sgCallEnts) {
        if (!enabled) {
            return;
        }
        Entry r = ref(dev, type, dma, size, dir);
        r.sgCallEnts = sgCallEnts;
        Entry e = findContaining(r);
        if (e == null) {
            err(dev, null, "device driver tries to sync DMA memory it has not allocated [device address=" + hex(dma)
                    + "] [size=" + size + " bytes]", dma, size, dir);
            return;
        }
        if (size > e.size) {
            err(dev, e, "device driver syncs DMA memory outside allocated range [device address=" + hex(e.dmaAddr)
                    + "] [allocation size=" + e.size + " bytes] [sync offset+size=" + size + "]", dma, size, dir);
        }
        if (e.dir == DmaDirection.BIDIRECTIONAL) {
            return;
        }
        if (dir != e.dir) {
            err(dev, e, "device driver syncs DMA memory with different direction [device address=" + hex(dma)
                    + "] [size=" + e.size + " bytes] [mapped with " + e.dir.kernelName() + "] [synced with "
                    + dir.kernelName() + "]", dma, size, e.dir);
        }
        if (toCpu && e.dir != DmaDirection.FROM_DEVICE && dir != DmaDirection.TO_DEVICE) {
            err(dev, e, "device driver syncs device read-only DMA memory for cpu [device address=" + hex(dma)
                    + "] [size=" + e.size + " bytes] [mapped with " + e.dir.kernelName() + "] [synced with "
                    + dir.kernelName() + "]", dma, size, e.dir);
        }
        if (!toCpu && e.dir != DmaDirection.TO_DEVICE && dir != DmaDirection.FROM_DEVICE) {
            err(dev, e, "device driver syncs device write-only DMA memory to device [device address=" + hex(dma)
                    + "] [size=" + e.size + " bytes] [mapped with " + e.dir.kernelName() + "] [synced with "
                    + dir.kernelName() + "]", dma, size, e.dir);
        }
        if (sgCallEnts != 0 && type == Type.SG && sgCallEnts != e.sgCallEnts) {
            err(dev, e, "device driver syncs DMA sg list with different entry count [map count=" + e.sgCallEnts
                    + "] [sync count=" + sgCallEnts + "]", dma, size, e.dir);
        }
    }

    /** The sg entry count of the mapping at {@code dma} (get_nr_mapped_entries). */
    public synchronized int mappedEntries(Device dev, long dma) {
        for (Entry e : hash.getOrDefault(dma, List.of())) {
            if (e.dev == dev && e.type == Type.SG) {
                return e.sgMappedEnts;
            }
        }
        return 0;
    }

    /** dma_debug_device_change(BUS_NOTIFY_UNBOUND_DRIVER). */
    public void unbound(Device dev) {
        if (!enabled) {
            return;
        }
        Entry last = null;
        int count = 0;
        synchronized (this) {
            for (List<Entry> l : hash.values()) {
                for (Entry e : l) {
                    if (e.dev == dev) {
                        count++;
                        last = e;
                    }
                }
            }
        }
        if (count == 0) {
            return;
        }
        err(dev, last, "device driver has pending DMA allocations while released from device [count=" + count
                + "]\nOne of leaked entries details: [device address=" + hex(last.dmaAddr) + "] [size=" + last.size
                + " bytes] [mapped with " + last.dir.kernelName() + "] [mapped as " + last.type.kernelName + "]",
                last.dmaAddr, last.size, last.dir);
    }

    private synchronized void rememberFreed(Device dev, long dma, long size, String site) {
        freed.addLast(new Freed(dev, dma, size, site));
        if (freed.size() > FREED_REMEMBERED) {
            freed.removeFirst();
        }
    }

    /** The range is in use again, without a debug entry of its own. */
    public void reused(Device dev, long dma, long size) {
        if (enabled) {
            forgetFreed(dev, dma, size);
        }
    }

    private synchronized void forgetFreed(Device dev, long dma, long size) {
        freed.removeIf(f -> f.dev == dev && f.dma < dma + size && dma < f.dma + f.size);
    }

    /**
     * The fault reason when a device access hits memory its driver freed, else null; the hit is
     * also reported like any other misuse.
     */
    public String freedHit(Device dev, long dma, long len) {
        if (!enabled) {
            return null;
        }
        Freed hit = null;
        synchronized (this) {
            for (Iterator<Freed> it = freed.descendingIterator(); it.hasNext(); ) {
                Freed f = it.next();
                if (f.dev == dev && f.dma < dma + len && dma < f.dma + f.size) {
                    hit = f;
                    break;
                }
            }
        }
        if (hit == null) {
            return null;
        }
        String msg = "device accesses DMA memory after its driver freed it [device address=" + hex(dma)
                + "] [freed mapping=" + hex(hit.dma) + "] [size=" + hit.size + " bytes]";
        Entry e = new Entry();
        e.site = hit.site;
        err(dev, e, msg, dma, len, null);
        return "DMA-API: " + msg + " [mapped at " + hit.site + "]";
    }

    @Override
    public synchronized long errorCount() {
        return errorCount;
    }

    @Override
    public synchronized List<DmaDebugError> errors() {
        return List.copyOf(errors);
    }

    @Override
    public synchronized int entries(Device dev) {
        int n = 0;
        for (List<Entry> l : hash.values()) {
            for (Entry e : l) {
                if (e.dev == dev) {
                    n++;
                }
            }
        }
        return n;
    }

    @Override
    public synchronized String dump() {
        StringBuilder b = new StringBuilder();
        TreeMap<Long, List<Entry>> byIdx = new TreeMap<>();
        for (List<Entry> l : hash.values()) {
            for (Entry e : l) {
                byIdx.computeIfAbsent((e.dmaAddr >>> HASH_FN_SHIFT) & (HASH_SIZE - 1), k -> new ArrayList<>()).add(e);
            }
        }
        for (Map.Entry<Long, List<Entry>> me : byIdx.entrySet()) {
            for (Entry e : me.getValue()) {
                long cln = (e.pfn << (Mm.PAGE_SHIFT - 6)) + (e.offset >>> 6);
                b.append(String.format("%s %s %s idx %d P=%x N=%x D=%x L=%x cln=%s %s %s%n", e.dev.driverName(),
                        e.dev.name(), e.type.kernelName, me.getKey(), Mm.pfnPhys(e.pfn) + e.offset, e.pfn, e.dmaAddr, e.size,
                        Mm.pa(cln), e.dir.kernelName(), e.mapErr.kernelName));
            }
        }
        return b.toString();
    }
}

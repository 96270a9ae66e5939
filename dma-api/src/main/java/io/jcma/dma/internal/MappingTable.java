package io.jcma.dma.internal;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Mirrors the lookups swiotlb_find_pool() and iommu_iova_to_phys() make for dma_unmap_single()
 * and dma_sync_single_*(): the live streaming mappings of a layer by device and DMA address, so
 * that a mapping is found from the address alone.
 * The CPU entries of mapped scatterlists are indexed apart, so that dma_sync_single_* on one
 * of them works while dma_unmap_single never takes one.
 *
 * <p>Locking: one monitor (this); nothing is called under it.
 */
final class MappingTable {
    private final Map<DeviceImpl, TreeMap<Long, List<Mapping>>> singles = new IdentityHashMap<>();
    private final Map<DeviceImpl, TreeMap<Long, List<Mapping>>> sgEntries = new IdentityHashMap<>();

    private static void add(Map<DeviceImpl, TreeMap<Long, List<Mapping>>> index, Mapping m) {
        index.computeIfAbsent(m.dev(), k -> new TreeMap<>()).computeIfAbsent(m.dma(), k -> new ArrayList<>()).add(m);
    }

    private static void remove(Map<DeviceImpl, TreeMap<Long, List<Mapping>>> index, Mapping m) {
        TreeMap<Long, List<Mapping>> t = index.get(m.dev());
        List<Mapping> l = t == null ? null : t.get(m.dma());
        if (l != null) {
            // by identity: two direct mappings of one buffer are equal records, yet two mappings
            for (int i = 0; i < l.size(); i++) {
                if (l.get(i) == m) {
                    l.remove(i);
                    break;
                }
            }
            if (l.isEmpty()) {
                t.remove(m.dma());
            }
        }
    }

    synchronized void addSingle(Mapping m) {
        add(singles, m);
    }

    /**
     * Takes the single mapping of {@code dev} at {@code dma} out of the table: the one of that
     * size if there are several, else the oldest; empty when there is none.
     */
    synchronized Optional<Mapping> removeSingle(DeviceImpl dev, long dma, long size) {
        TreeMap<Long, List<Mapping>> t = singles.get(dev);
        List<Mapping> l = t == null ? null : t.get(dma);
        if (l == null || l.isEmpty()) {
            return Optional.empty();
        }
        Mapping m = l.stream().filter(x -> x.size() == size).findFirst().orElse(l.getFirst());
        remove(singles, m);
        return Optional.of(m);
    }

    synchronized void addSg(List<Mapping> entries) {
        entries.forEach(m -> add(sgEntries, m));
    }

    synchronized void removeSg(List<Mapping> entries) {
        entries.forEach(m -> remove(sgEntries, m));
    }

    /** The single or scatterlist-entry mapping holding [dma, dma + size), as swiotlb_find_pool sees it. */
    synchronized Optional<Mapping> findContaining(DeviceImpl dev, long dma, long size) {
        Optional<Mapping> m = findIn(singles.get(dev), dma, size);
        return m.isPresent() ? m : findIn(sgEntries.get(dev), dma, size);
    }

    private static Optional<Mapping> findIn(TreeMap<Long, List<Mapping>> t, long dma, long size) {
        if (t == null) {
            return Optional.empty();
        }
        for (Map.Entry<Long, List<Mapping>> e : t.headMap(dma, true).descendingMap().entrySet()) {
            for (Mapping m : e.getValue()) {
                if (m.dma() <= dma && dma + size <= m.dma() + m.size()) {
                    return Optional.of(m);
                }
            }
        }
        return Optional.empty();
    }
}

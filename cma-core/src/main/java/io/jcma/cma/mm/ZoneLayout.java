package io.jcma.cma.mm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Which physical addresses belong to which zone type: ZONE_DMA below {@code dmaEnd},
 * ZONE_DMA32 below {@code dma32End}, ZONE_NORMAL above. x86-64: 16 MiB and 4 GiB. arm64 (6.12):
 * ZONE_DMA up to the smallest DMA limit (4 GiB without one), ZONE_DMA32 up to 4 GiB (empty
 * when the DMA limit is 4 GiB).
 */
public record ZoneLayout(long dmaEnd, long dma32End) {
    public static final ZoneLayout X86_64 = new ZoneLayout(16 * Mm.SZ_1M, Mm.SZ_4G);

    public ZoneLayout {
        if (dmaEnd < 0 || dma32End < dmaEnd) {
            throw new IllegalArgumentException("zone limits: dma=" + Mm.pa(dmaEnd) + " dma32=" + Mm.pa(dma32End)
                    + " (expected: 0 <= dma <= dma32)");
        }
    }

    public ZoneType typeOf(long phys) {
        if (phys < dmaEnd) {
            return ZoneType.DMA;
        }
        if (phys < dma32End) {
            return ZoneType.DMA32;
        }
        return ZoneType.NORMAL;
    }

    /** The [start, end) physical range of a zone type, before it is cut to the RAM present. */
    public long typeStart(ZoneType t) {
        return switch (t) {
            case DMA -> 0;
            case DMA32 -> dmaEnd;
            case NORMAL, MOVABLE -> dma32End;
        };
    }

    public long typeEnd(ZoneType t) {
        return switch (t) {
            case DMA -> dmaEnd;
            case DMA32 -> dma32End;
            case NORMAL, MOVABLE -> Long.MAX_VALUE;
        };
    }

    /**
     * The zones of every node for the given banks: each node spans from its lowest to its
     * highest pfn, and each zone is that span cut to the zone type's addresses. Empty zones are
     * left out.
     */
    public List<Zone> zones(List<MemoryBank> banks) {
        List<Zone> out = new ArrayList<>();
        banks.stream().mapToInt(MemoryBank::nid).distinct().sorted().forEach(nid -> {
            long lo = Long.MAX_VALUE;
            long hi = 0;
            for (MemoryBank b : banks) {
                if (b.nid() == nid) {
                    lo = Math.min(lo, b.startPfn());
                    hi = Math.max(hi, b.endPfn());
                }
            }
            for (ZoneType t : new ZoneType[] {ZoneType.DMA, ZoneType.DMA32, ZoneType.NORMAL}) {
                long s = Math.max(lo, Mm.pfnDown(typeStart(t)));
                long e = Math.min(hi, typeEnd(t) == Long.MAX_VALUE ? Long.MAX_VALUE : Mm.pfnDown(typeEnd(t)));
                if (s < e) {
                    out.add(new Zone(nid, t, s, e));
                }
            }
        });
        return Collections.unmodifiableList(out);
    }
}

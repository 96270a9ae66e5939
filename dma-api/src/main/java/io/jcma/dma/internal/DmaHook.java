package io.jcma.dma.internal;

import io.jcma.cma.boot.EarlyBoot;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.of.ReservedMemHandler;
import io.jcma.dma.Dma;
import io.jcma.dma.DmaOptions;
import io.jcma.dma.internal.swiotlb.Swiotlb;

import java.util.List;
import java.util.Optional;

/**
 * Mirrors the moments of boot the DMA layer takes part in: the reserved-memory table, where it
 * declares rmem_dma_setup() ({@link Coherent}); mm_core_init()'s call of swiotlb_init()
 * ({@link Swiotlb#init}), while memblock still hands out memory; and the initcalls after which
 * the layer exists (dma_debug_init and friends, {@link DmaImpl#create}).
 */
public final class DmaHook implements Dma.Hook {
    private final DmaOptions options;
    private Optional<Swiotlb.Reservation> reservation = Optional.empty();
    private volatile Dma dma;

    public DmaHook(DmaOptions options) {
        this.options = options;
    }

    @Override
    public List<ReservedMemHandler> reservedMemHandlers() {
        return List.of(Coherent.RMEM_DMA);
    }

    @Override
    public void memInit(EarlyBoot early) {
        reservation = Swiotlb.init(early, options.swiotlbAny());
    }

    @Override
    public void late(Machine machine) {
        dma = DmaImpl.create(machine, options, reservation);
    }

    @Override
    public Dma dma() {
        Dma d = dma;
        if (d == null) {
            throw new IllegalStateException("dma: the machine has not booted with this hook yet");
        }
        return d;
    }
}

package io.jcma.cma.boot;

import io.jcma.cma.fdt.Dtc;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.of.ReservedMemHandler;
import io.jcma.cma.of.ReservedRegion;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.jcma.cma.boot.DeviceTreeBootTest.dt;
import static io.jcma.cma.boot.DeviceTreeBootTest.region;
import static io.jcma.cma.boot.DeviceTreeBootTest.rmem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reserved-memory init functions declared by a layer above, through its boot hook. */
class ReservedMemHandlersTest {
    private static final String MEMORY = """
            memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x40000000>; };
            """;

    private final List<String> events = new ArrayList<>();

    @BeforeEach
    void needsDtc() {
        Dtc.assumeAvailable();
    }

    /** A hook that declares {@code handlers} and notes when it is asked and when it reserves. */
    private BootHook hook(ReservedMemHandler... handlers) {
        return new BootHook() {
            @Override
            public List<ReservedMemHandler> reservedMemHandlers() {
                events.add("asked");
                return List.of(handlers);
            }

            @Override
            public void reserve(EarlyBoot early) {
                events.add("reserve");
            }
        };
    }

    private ReservedMemHandler noting(String compatible, ReservedMemHandler.Outcome outcome) {
        return new ReservedMemHandler("test", compatible, (r, ctx) -> {
            events.add("init " + r.name() + " " + Mm.pa(r.base()) + " " + r.size());
            return outcome;
        });
    }

    private Machine boot(String body, BootHook hook) {
        return Machine.boot(Platform.builder().deviceTree(dt(body)).build(), List.of(hook));
    }

    @Test
    void aHooksHandlerForItsOwnCompatibleIsAskedBeforeTheScanAndRuns() {
        ReservedMemHandler h = noting("vendor,secure-heap", new ReservedMemHandler.DmaPool());
        try (Machine m = boot(MEMORY + rmem("heap@48000000 { compatible = \"vendor,secure-heap\"; reg = <0x0 0x48000000 0x0 0x200000>; };"),
                hook(h))) {
            assertThat(events).containsExactly("asked", "init heap@48000000 0x0000000048000000 2097152", "reserve");
            ReservedRegion r = region(m, "heap@48000000");
            assertThat(r.kind()).isEqualTo(ReservedRegion.Kind.DMA_POOL);
            assertThat(r.cma()).isEmpty();
            assertThat(m.log().lines()).containsSubsequence(
                    "OF: reserved mem: initialized node heap@48000000, compatible id vendor,secure-heap",
                    "OF: reserved mem: 0x0000000048000000..0x00000000481fffff (2048 KiB) map non-reusable heap@48000000");
        }
    }

    @Test
    void withoutAHandlerTheSameNodeIsACarveOut() {
        try (Machine m = boot(MEMORY + rmem("heap@48000000 { compatible = \"vendor,secure-heap\"; reg = <0x0 0x48000000 0x0 0x200000>; };"),
                hook())) {
            assertThat(region(m, "heap@48000000").kind()).isEqualTo(ReservedRegion.Kind.CARVEOUT);
        }
    }

    @Test
    void aHooksSharedDmaPoolHandlerRunsOnlyAfterCmaCoresRefuse() {
        ReservedMemHandler h = noting("shared-dma-pool", new ReservedMemHandler.DmaPool());
        try (Machine m = boot(MEMORY + rmem("""
                cma@48000000 { compatible = "shared-dma-pool"; reusable; reg = <0x0 0x48000000 0x0 0x400000>; };
                odd@4a000000 { compatible = "shared-dma-pool"; reusable; no-map; reg = <0x0 0x4a000000 0x0 0x400000>; };
                """), hook(h))) {
            // rmem_cma_setup takes the first; both of cma-core's refuse the reusable no-map one
            assertThat(events).containsExactly("asked", "init odd@4a000000 0x000000004a000000 4194304", "reserve");
            assertThat(region(m, "cma@48000000").kind()).isEqualTo(ReservedRegion.Kind.CMA);
            assertThat(region(m, "odd@4a000000").kind()).isEqualTo(ReservedRegion.Kind.DMA_POOL);
        }
    }

    @Test
    void aRefusalByTheLastHandlerGivesTheMemoryBack() {
        ReservedMemHandler h = noting("vendor,secure-heap", new ReservedMemHandler.Refused(Errno.EBUSY));
        try (Machine m = boot(MEMORY + rmem("heap@48000000 { compatible = \"vendor,secure-heap\"; reg = <0x0 0x48000000 0x0 0x200000>; };"),
                hook(h))) {
            assertThat(region(m, "heap@48000000").kind()).isEqualTo(ReservedRegion.Kind.FAILED);
            assertThat(m.log().lines()).contains("OF: reserved mem: node heap@48000000 compatible matching fail");
            assertThat(m.memblock().isRegionReserved(0x48000000L, 0x200000L)).isFalse();
        }
    }

    @Test
    void aHandlerThatReturnsNoOutcomeStopsTheBootNamingIt() {
        ReservedMemHandler h = new ReservedMemHandler("broken", "vendor,secure-heap", (r, ctx) -> null);
        assertThatThrownBy(() -> boot(MEMORY + rmem("heap@48000000 { compatible = \"vendor,secure-heap\"; reg = <0x0 0x48000000 0x0 0x200000>; };"),
                hook(h))).isInstanceOf(NullPointerException.class).hasMessageContaining("handler broken")
                .hasMessageContaining("heap@48000000");
    }

    @Test
    void withoutADeviceTreeNobodyIsAsked() {
        try (Machine m = Machine.boot(Platform.builder().mem(64L << 20).build(), List.of(hook()))) {
            assertThat(events).containsExactly("reserve");
            assertThat(m.reservedMemory()).isEmpty();
        }
    }

    @Test
    void aHandlerNeedsANameAndACompatible() {
        assertThatThrownBy(() -> new ReservedMemHandler("", "x", (r, c) -> new ReservedMemHandler.DmaPool()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name='' compatible='x'");
        assertThatThrownBy(() -> new ReservedMemHandler("n", "", (r, c) -> new ReservedMemHandler.DmaPool()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name='n' compatible=''");
    }

    @Test
    void aHandlerNeedsAnInitFunction() {
        assertThatThrownBy(() -> new ReservedMemHandler("n", "x", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("init");
    }
}

package io.jcma.devices;

import io.jcma.devices.drivers.PlatformDriver;
import io.jcma.devices.hw.Clock;
import io.jcma.devices.hw.DeviceModelProvider;
import io.jcma.devices.hw.TransferTiming;
import io.jcma.dma.DmaOptions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a board is put together beyond its device tree.
 *
 * @param dma            the DMA layer's options (DMA-API debug on by default on a board: drivers
 *                       are what it is for)
 * @param clock          the board's clock: {@link Clock#real()} by default, a
 *                       {@link io.jcma.devices.hw.VirtualClock} for deterministic time
 * @param timing         transfer timing per compatible; absent ones take no time
 * @param models         model providers that win over the ServiceLoader's, in order
 * @param builtinDrivers whether jcma's own drivers are registered at boot
 * @param drivers        further drivers registered at boot, after the built-in ones
 * @param iommu          compatibles whose devices sit behind an IOMMU domain of their own
 */
public record BoardOptions(DmaOptions dma, Clock clock, Map<String, TransferTiming> timing,
                           List<DeviceModelProvider> models, boolean builtinDrivers, List<PlatformDriver> drivers,
                           List<String> iommu) {
    public BoardOptions {
        timing = Map.copyOf(timing);
        models = List.copyOf(models);
        drivers = List.copyOf(drivers);
        iommu = List.copyOf(iommu);
    }

    public static BoardOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private DmaOptions dma = DmaOptions.defaults().withDebug(true);
        private Clock clock;
        private final Map<String, TransferTiming> timing = new LinkedHashMap<>();
        private final List<DeviceModelProvider> models = new ArrayList<>();
        private boolean builtinDrivers = true;
        private final List<PlatformDriver> drivers = new ArrayList<>();
        private final List<String> iommu = new ArrayList<>();

        private Builder() {
        }

        public Builder dma(DmaOptions options) {
            dma = options;
            return this;
        }

        public Builder clock(Clock c) {
            clock = c;
            return this;
        }

        /** Transfers of devices compatible with {@code compatible} take this long. */
        public Builder timing(String compatible, TransferTiming t) {
            timing.put(compatible, t);
            return this;
        }

        /** A provider that wins over the built-in and ServiceLoader ones (a stricter or broken model). */
        public Builder model(DeviceModelProvider provider) {
            models.add(provider);
            return this;
        }

        /** Whether jcma's own drivers bind at boot (default true). */
        public Builder builtinDrivers(boolean on) {
            builtinDrivers = on;
            return this;
        }

        public Builder driver(PlatformDriver d) {
            drivers.add(d);
            return this;
        }

        /** Puts devices compatible with {@code compatible} behind an IOMMU domain of their own. */
        public Builder iommu(String compatible) {
            iommu.add(compatible);
            return this;
        }

        public BoardOptions build() {
            return new BoardOptions(dma, clock == null ? Clock.real() : clock, timing, models, builtinDrivers, drivers,
                    iommu);
        }
    }
}

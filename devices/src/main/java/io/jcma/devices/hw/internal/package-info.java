/**
 * The implementations behind {@code io.jcma.devices.hw}: register blocks, interrupt sources,
 * clocks, device threads, the DMA port and the drivers' MMIO windows. Not exported.
 */
package io.jcma.devices.hw.internal;

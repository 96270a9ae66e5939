/**
 * The implementations behind {@code io.jcma.devices.hw}: register blocks, interrupt sources,
 * clocks. Not exported.
 */
package io.jcma.devices.hw.internal;

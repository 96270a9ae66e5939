/**
 * The board behind {@link io.jcma.devices.Board}, both sides of the bus: the device tree
 * populated into platform devices (drivers/of/platform.c), the platform bus with probe, remove
 * and devres (drivers/base), its sysfs, the interrupt controller and kernel/irq (request,
 * threaded handlers, spurious accounting, /proc), and the wiring of each model. Not exported.
 */
package io.jcma.devices.internal;

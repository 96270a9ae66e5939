/**
 * The device-model framework and the simulated devices with their Java drivers: the hardware
 * side ({@code io.jcma.devices.hw}: registers, interrupt lines, the device's view of memory,
 * device threads, clocks) and the kernel side ({@code io.jcma.devices.drivers}: the platform
 * bus, probe/remove, devres, threaded IRQs), joined by a {@link io.jcma.devices.Board}.
 */
module io.jcma.devices {
    requires transitive io.jcma.dma;

    exports io.jcma.devices;
    exports io.jcma.devices.hw;
    exports io.jcma.devices.drivers;

    uses io.jcma.devices.hw.DeviceModelProvider;
    uses io.jcma.devices.drivers.DriverProvider;
}

/** The device-model framework and the simulated devices with their Java drivers. */
module io.jcma.devices {
    requires transitive io.jcma.dma;
}

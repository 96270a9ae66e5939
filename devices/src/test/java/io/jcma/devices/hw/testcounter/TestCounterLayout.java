package io.jcma.devices.hw.testcounter;

/**
 * The register map of "jcma,test-counter", a test-only device: it counts events a driver asks
 * for with a doorbell, raising DONE for each, and can write its count to memory by DMA.
 *
 * <pre>
 *   0x00  ID        RO   0x7e570001
 *   0x04  CTRL      RW   bit 0 EN (doorbells are ignored while 0); bits 8..15 reserved, reset 0x5a
 *   0x08  STATUS    W1C  bit 0 DONE, bit 1 DMA_ERR
 *   0x0c  ENABLE    RW   bit 0 DONE, bit 1 DMA_ERR
 *   0x10  DOORBELL  WO   bits 0..15 COUNT: events to produce
 *   0x14  EVENTS    RO   events produced since reset
 *   0x18  DMA_ADDR  RW   64 bits, also as two 32-bit halves
 *   0x20  DMA_CMD   WO   bit 0 WRITE: store EVENTS as a u32 at DMA_ADDR; bit 1 READ: load DMA_DATA
 *   0x24  DMA_DATA  RO
 * </pre>
 */
public final class TestCounterLayout {
    public static final String COMPATIBLE = "jcma,test-counter";
    public static final long SIZE = 0x1000;
    public static final int ID = 0x00;
    public static final int CTRL = 0x04;
    public static final int STATUS = 0x08;
    public static final int ENABLE = 0x0c;
    public static final int DOORBELL = 0x10;
    public static final int EVENTS = 0x14;
    public static final int DMA_ADDR = 0x18;
    public static final int DMA_CMD = 0x20;
    public static final int DMA_DATA = 0x24;
    public static final int ID_VALUE = 0x7e57_0001;
    public static final int CTRL_EN = 1;
    public static final int CTRL_RESERVED_RESET = 0x5a00;
    public static final int DONE = 1;
    public static final int DMA_ERR = 2;
    public static final int CMD_WRITE = 1;
    public static final int CMD_READ = 2;

    private TestCounterLayout() {
    }
}

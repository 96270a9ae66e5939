package io.jcma.dma;

/**
 * One DMA-API debug report, as err_printk() of kernel/dma/debug.c makes it: who, where, what,
 * and the kernel's text.
 *
 * @param site the call site of the allocation or mapping concerned ("Class.method(File:line)"),
 *             or of the offending call when there is no such entry
 */
public record DmaDebugError(String driver, String device, String message, long dmaAddress, long size,
                            DmaDirection direction, String site) {

    /**
     * The report as one line: "DMA-API: DRIVER DEVICE: MESSAGE" as the kernel prints it (a
     * message of several lines joined by spaces), followed by the direction (when the message
     * does not name it) and the allocation site.
     */
    public String line() {
        StringBuilder b = new StringBuilder("DMA-API: ").append(driver).append(' ').append(device).append(": ")
                .append(message.replace('\n', ' '));
        if (direction != null && !message.contains(direction.kernelName())) {
            b.append(" [direction=").append(direction.kernelName()).append(']');
        }
        b.append(" [site=").append(site).append(']');
        return b.toString();
    }
}

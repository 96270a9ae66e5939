package io.jcma.devices.drivers;

/** The request_irq() flags of include/linux/interrupt.h that jcma honours, with their values. */
public final class IrqFlags {
    /** IRQF_TRIGGER_NONE: keep the trigger the device tree gives. */
    public static final long TRIGGER_NONE = 0x0;
    public static final long TRIGGER_RISING = 0x1;
    public static final long TRIGGER_FALLING = 0x2;
    public static final long TRIGGER_HIGH = 0x4;
    public static final long TRIGGER_LOW = 0x8;
    /** IRQF_SHARED: other handlers may be requested on the line, each with its own devId. */
    public static final long SHARED = 0x80;
    /** IRQF_ONESHOT: the line stays masked until the thread function has run. */
    public static final long ONESHOT = 0x2000;
    /** IRQF_NO_AUTOEN: the line starts disabled until enable_irq(). */
    public static final long NO_AUTOEN = 0x80000;

    private IrqFlags() {
    }
}

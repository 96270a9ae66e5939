package io.jcma.devices;

import io.jcma.cma.fs.KernelFs;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.devices.drivers.testcounter.TestCounterDriver;
import io.jcma.devices.testing.TestDt;
import org.junit.jupiter.api.Test;

import static io.jcma.devices.DriverCoreTest.errno;
import static io.jcma.devices.testing.TestDt.counter;
import static io.jcma.devices.testing.TestDt.node;
import static org.assertj.core.api.Assertions.assertThat;

/** /sys/bus/platform as the shell shows it, bind and unbind with the kernel's errors. */
class PlatformSysfsTest {
    static final String DEV = "/sys/bus/platform/devices/10300000.test-counter/";
    static final String DRV = "/sys/bus/platform/drivers/test-counter/";

    private static Board boot() {
        TestDt dt = TestDt.create().soc(counter(0x1030_0000L, 40), node("other", 0x1040_0000L, 0x1000, null, "x,y"))
                .alias("counter0", "/soc/test-counter@10300000");
        return Board.boot(dt.platform());
    }

    @Test
    void everyDeviceIsListed() {
        try (Board b = boot()) {
            assertThat(b.machine().fs().list("/sys/bus/platform/devices")).containsExactly(
                    "10300000.test-counter", "10400000.other", "soc");
            assertThat(b.machine().fs().list("/sys/bus/platform/drivers")).containsExactly("test-counter");
        }
    }

    @Test
    void modaliasIsOfDeviceModalias() {
        try (Board b = boot()) {
            assertThat(b.machine().fs().read(DEV + "modalias")).isEqualTo("of:Ntest-counterT(null)Cjcma,test-counter\n");
        }
    }

    @Test
    void ueventHasTheDriverTheNodeAndTheModalias() {
        try (Board b = boot()) {
            assertThat(b.machine().fs().read(DEV + "uevent")).isEqualTo("""
                    DRIVER=test-counter
                    OF_NAME=test-counter
                    OF_FULLNAME=/soc/test-counter@10300000
                    OF_COMPATIBLE_0=jcma,test-counter
                    OF_COMPATIBLE_N=1
                    OF_ALIAS_0=counter0
                    MODALIAS=of:Ntest-counterT(null)Cjcma,test-counter
                    """);
            assertThat(b.machine().fs().read("/sys/bus/platform/devices/10400000.other/uevent")).startsWith("OF_NAME=other\n");
        }
    }

    @Test
    void ueventTakesOnlyTheKernelsActions() {
        try (Board b = boot()) {
            b.machine().fs().write(DEV + "uevent", "change");
            assertThat(errno(() -> b.machine().fs().write(DEV + "uevent", "explode"))).isEqualTo(Errno.EINVAL);
            assertThat(b.machine().log().lines()).contains("synthetic uevent: 10300000.test-counter: unknown uevent action string");
        }
    }

    @Test
    void ofNodeCompatibleIsThePropertysBytes() {
        try (Board b = boot()) {
            assertThat(b.machine().fs().read(DEV + "of_node/compatible")).isEqualTo("jcma,test-counter\0");
        }
    }

    @Test
    void theDriverFileAndTheDriversDeviceEntryComeAndGoWithTheBinding() {
        try (Board b = boot()) {
            KernelFs fs = b.machine().fs();
            assertThat(fs.read(DEV + "driver")).isEqualTo("test-counter\n");
            assertThat(fs.read(DRV + "10300000.test-counter")).isEqualTo("10300000.test-counter\n");
            fs.write(DRV + "unbind", "10300000.test-counter");
            assertThat(fs.exists(DEV + "driver")).isFalse();
            assertThat(fs.exists(DRV + "10300000.test-counter")).isFalse();
            assertThat(fs.read(DEV + "uevent")).doesNotContain("DRIVER=");
            fs.write(DRV + "bind", "10300000.test-counter");
            assertThat(fs.read(DEV + "driver")).isEqualTo("test-counter\n");
            assertThat(b.device("10300000.test-counter").orElseThrow().drvdata(TestCounterDriver.Counter.class)).isNotNull();
        }
    }

    @Test
    void bindAndUnbindAnswerTheKernelsErrnos() {
        try (Board b = boot()) {
            KernelFs fs = b.machine().fs();
            assertThat(errno(() -> fs.write(DRV + "bind", "10300000.test-counter"))).isEqualTo(Errno.EBUSY);
            assertThat(errno(() -> fs.write(DRV + "bind", "10400000.other"))).isEqualTo(Errno.ENODEV);
            assertThat(errno(() -> fs.write(DRV + "bind", "nosuch"))).isEqualTo(Errno.ENODEV);
            assertThat(errno(() -> fs.write(DRV + "unbind", "10400000.other"))).isEqualTo(Errno.ENODEV);
            assertThat(errno(() -> fs.write(DRV + "unbind", "nosuch"))).isEqualTo(Errno.ENODEV);
            fs.write(DRV + "unbind", "10300000.test-counter");
            assertThat(errno(() -> fs.write(DRV + "unbind", "10300000.test-counter"))).isEqualTo(Errno.ENODEV);
        }
    }

    @Test
    void theDriversFilesAreWriteOnly() {
        try (Board b = boot()) {
            assertThat(errno(() -> b.machine().fs().read(DRV + "bind"))).isEqualTo(Errno.EACCES);
            assertThat(errno(() -> b.machine().fs().read(DRV + "unbind"))).isEqualTo(Errno.EACCES);
            b.machine().fs().write(DRV + "uevent", "add");
        }
    }

    @Test
    void anUnregisteredDriverLeavesSysfs() {
        try (Board b = boot()) {
            b.drivers().unregister(b.drivers().drivers().getFirst());
            assertThat(b.machine().fs().exists("/sys/bus/platform/drivers/test-counter")).isFalse();
            assertThat(b.machine().fs().exists(DEV + "driver")).isFalse();
        }
    }

    @Test
    void aShellErrorIsAnErrnoException() {
        try (Board b = boot()) {
            try {
                b.machine().fs().write(DRV + "bind", "nosuch");
            } catch (ErrnoException e) {
                assertThat(e.reason()).isEqualTo("bind: device=nosuch (expected: a platform device)");
                return;
            }
            throw new AssertionError("no error");
        }
    }
}

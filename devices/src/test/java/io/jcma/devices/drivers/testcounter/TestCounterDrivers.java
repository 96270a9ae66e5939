package io.jcma.devices.drivers.testcounter;

import io.jcma.devices.drivers.DriverProvider;
import io.jcma.devices.drivers.PlatformDriver;

import java.util.List;

/** The test counter's driver as a built-in one (META-INF/services of the test sources). */
public final class TestCounterDrivers implements DriverProvider {
    @Override
    public List<PlatformDriver> drivers() {
        return List.of(new TestCounterDriver());
    }
}

package io.jcma.devices.hw.testcounter;

import io.jcma.devices.hw.DeviceModel;
import io.jcma.devices.hw.DeviceModelProvider;

import java.util.List;

/** Found by ServiceLoader through the test sources' META-INF/services. */
public final class TestCounterProvider implements DeviceModelProvider {
    @Override
    public List<String> compatibles() {
        return List.of(TestCounterLayout.COMPATIBLE);
    }

    @Override
    public DeviceModel create(String compatible) {
        return new TestCounterModel();
    }
}

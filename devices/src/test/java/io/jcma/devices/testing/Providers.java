package io.jcma.devices.testing;

import io.jcma.devices.hw.DeviceModel;
import io.jcma.devices.hw.DeviceModelProvider;

import java.util.List;
import java.util.function.Supplier;

/** Model providers for tests that swap a model through BoardOptions.model(). */
public final class Providers {
    private Providers() {
    }

    /** A provider of {@code compatible} whose models {@code make} creates. */
    public static DeviceModelProvider of(String compatible, Supplier<DeviceModel> make) {
        return new DeviceModelProvider() {
            @Override
            public List<String> compatibles() {
                return List.of(compatible);
            }

            @Override
            public DeviceModel create(String c) {
                return make.get();
            }
        };
    }
}

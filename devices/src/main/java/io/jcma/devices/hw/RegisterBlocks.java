package io.jcma.devices.hw;

import io.jcma.devices.hw.internal.RegisterBlockImpl;

/** The factories behind {@link RegisterBlock#builder} and {@link InterruptSources#attach}. */
final class RegisterBlocks {
    private RegisterBlocks() {
    }

    static RegisterBlock.Builder builder(String name, long size) {
        return RegisterBlockImpl.builder(name, size);
    }

    static InterruptSources interruptSources(Register status, Register enable, IrqLine line) {
        return RegisterBlockImpl.interruptSources(status, enable, line);
    }
}

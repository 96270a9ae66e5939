package io.jcma.devices;

import io.jcma.cma.boot.Platform;
import io.jcma.devices.internal.BoardImpl;

/** The factory behind {@link Board#boot}. */
final class Boards {
    private Boards() {
    }

    static Board boot(Platform platform, BoardOptions options) {
        return BoardImpl.boot(platform, options);
    }
}

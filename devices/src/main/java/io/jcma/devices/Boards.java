package io.jcma.devices;

import io.jcma.cma.boot.Platform;

/** The factory behind {@link Board#boot}: the framework work replaces this placeholder. */
final class Boards {
    private Boards() {
    }

    static Board boot(Platform platform, BoardOptions options) {
        throw new UnsupportedOperationException("Board.boot: not built yet (framework branch)");
    }
}

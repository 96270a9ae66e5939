package io.jcma.cli;

import io.jcma.cma.boot.Arch;
import io.jcma.cma.boot.MemRange;
import io.jcma.cma.boot.Platform;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** The options that describe a simulated machine, shared by every command that boots one. */
public final class PlatformOptions {
    @Option(names = "--mem", paramLabel = "SIZE", description = "One RAM bank from 0 on node 0, e.g. 4G.")
    String mem;

    @Option(names = "--memory", paramLabel = "START-END[@NODE]",
            description = "A RAM range, END inclusive, hex or decimal (repeatable), e.g. 0x100000-0x3ffdffff@0.")
    List<String> memory = new ArrayList<>();

    @Option(names = "--reserve", paramLabel = "START-END",
            description = "A memblock reservation made before CMA's: kernel image, initrd, firmware (repeatable).")
    List<String> reserve = new ArrayList<>();

    @Option(names = "--cmdline", paramLabel = "\"...\"", description = "The kernel command line, e.g. \"cma=64M\".")
    String cmdline;

    @Option(names = "--arch", paramLabel = "x86_64|arm64", description = "Zone layout and default-area limit (default: x86_64).")
    String arch;

    @Option(names = "--backing", paramLabel = "SPEC",
            description = "Where RAM lives: sparse-file (default) or hugepages[:2M|1G][:COUNT].")
    String backing;

    /** The platform these options describe; 4 GiB of RAM when none is given. */
    public Platform platform() {
        Platform.Builder b = Platform.builder();
        if (mem != null) {
            b.mem(MemRange.number(mem, "--mem"));
        }
        for (String m : memory) {
            b.memory(MemRange.parse(m));
        }
        if (mem == null && memory.isEmpty()) {
            b.mem(4L << 30);
        }
        for (String r : reserve) {
            b.reserve(MemRange.parse(r));
        }
        if (cmdline != null) {
            b.cmdline(cmdline);
        }
        if (arch != null) {
            b.arch(Arch.parse(arch));
        }
        if (backing != null) {
            b.backing(backing);
        }
        return b.build();
    }
}

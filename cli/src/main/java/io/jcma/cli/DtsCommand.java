package io.jcma.cli;

import io.jcma.cma.boot.DefaultPlatform;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code ./jcma dts}: prints the built-in platform's device-tree source ({@code ./jcma dts | dtc -I dts -O dtb}). */
@Command(name = "dts", mixinStandardHelpOptions = true,
        description = "Print the device-tree source of the built-in platform every command boots without --dtb/--dts/--mem.",
        footerHeading = "%nExample:%n",
        footer = {"  ./jcma dts | dtc -I dts -O dtb -o virt.dtb && ./jcma boot --dtb virt.dtb"})
final class DtsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.print(DefaultPlatform.dts());
        System.out.flush();
        return 0;
    }
}

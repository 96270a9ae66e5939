package io.jcma.cma.boot;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** mem_init_print_info()'s "Memory:" line, printed by every boot. */
class MemInitPrintInfoTest {
    private static final long MiB = 1L << 20;

    static String memoryLine(Machine m) {
        return m.log().lines().stream().filter(l -> l.startsWith("Memory: ")).findFirst().orElseThrow();
    }

    @Test
    void everyBootPrintsTheKernelsFormat() {
        try (Machine m = Machine.boot(Platform.builder().mem(1L << 30).build())) {
            assertThat(memoryLine(m)).isEqualTo("Memory: 1048576K/1048576K available (0K kernel code, 0K rwdata,"
                    + " 0K rodata, 0K init, 0K bss, 0K reserved, 0K cma-reserved)");
        }
    }

    @Test
    void cmaPagesAreCmaReservedAndOtherReservationsReserved() {
        // x86, 1 GiB: 64 MiB of CMA, 3 MiB reserved early; free = 1024 - 64 - 3 = 957 MiB = 979968K
        Platform p = Platform.builder().mem(1L << 30).cmdline("cma=64M")
                .reserve(new MemRange(16 * MiB, 19 * MiB, 0)).build();
        try (Machine m = Machine.boot(p)) {
            assertThat(memoryLine(m)).isEqualTo("Memory: 979968K/1048576K available (0K kernel code, 0K rwdata,"
                    + " 0K rodata, 0K init, 0K bss, 3072K reserved, 65536K cma-reserved)");
        }
    }

    @Test
    void theLineComesBeforeTheAreasAreActivated() {
        try (Machine m = Machine.boot(Platform.builder().mem(1L << 30).cmdline("cma=64M").build())) {
            // totalram_pages() does not hold the CMA pages yet: they are not reserved twice
            assertThat(memoryLine(m)).endsWith(" 0K reserved, 65536K cma-reserved)");
            assertThat(m.pageAllocator().managedPages()).isEqualTo((1L << 30) / 4096);
        }
    }
}

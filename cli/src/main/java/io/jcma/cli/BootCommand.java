package io.jcma.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jcma.cma.Cma;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.fdt.FdtNode;
import io.jcma.cma.mm.MemoryPressure;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.of.DeviceNode;
import io.jcma.cma.of.ReservedRegion;
import io.jcma.devices.Board;
import io.jcma.devices.BoardOptions;
import io.jcma.devices.drivers.PlatformDevice;
import io.jcma.dma.DmaOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./jcma boot}: boots a board (the machine with the DMA layer, its devices and drivers)
 * and prints the kernel log, the CMA areas, the device-tree devices and the platform devices.
 */
@Command(name = "boot", mixinStandardHelpOptions = true,
        description = "Boot a simulated machine (memblock, reservations, CMA areas, activation) and print the log and areas.",
        footerHeading = "%nExample:%n",
        footer = {"  ./jcma boot --mem 4G --cmdline \"cma=64M@0x20000000\" --json"})
final class BootCommand implements Callable<Integer> {
    @Mixin
    PlatformOptions platform;

    @Mixin
    PressureOptions pressure;

    @Option(names = "--json", description = "Print one JSON object {areas, reserved_memory, devices, log, errors, pressure}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (Board b = Board.boot(platform.platform(), BoardOptions.builder().dma(DmaOptions.defaults()).build())) {
            MemoryPressure p = pressure.apply(b.machine());
            print(b, json, System.out, p);
        }
        return 0;
    }

    static void print(Board b, boolean json, PrintStream out, MemoryPressure pressure) throws Exception {
        Machine m = b.machine();
        if (json) {
            Map<String, Object> root = new LinkedHashMap<>();
            List<Map<String, Object>> areas = new ArrayList<>();
            for (Cma c : m.cma().areas()) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("name", c.name());
                a.put("base_pfn", c.basePfn());
                a.put("count", c.count());
                a.put("order_per_bit", c.orderPerBit());
                a.put("node", c.nid());
                a.put("base", Mm.pa(c.base()));
                a.put("size", c.size());
                a.put("active", c.active());
                areas.add(a);
            }
            root.put("areas", areas);
            List<Map<String, Object>> regions = new ArrayList<>();
            for (ReservedRegion r : m.reservedMemory()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("name", r.name());
                o.put("base", Mm.pa(r.base()));
                o.put("size", r.size());
                o.put("kind", r.kind().name().toLowerCase(java.util.Locale.ROOT));
                o.put("no_map", r.nomap());
                o.put("reusable", r.reusable());
                o.put("cma_area", r.cma().map(Cma::name).orElse(null));
                regions.add(o);
            }
            root.put("reserved_memory", regions);
            List<Map<String, Object>> devices = new ArrayList<>();
            for (DeviceNode d : m.devices()) {
                devices.add(device(d));
            }
            root.put("devices", devices);
            List<Map<String, Object>> pdevs = new ArrayList<>();
            for (PlatformDevice d : b.drivers().devices()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("name", d.name());
                o.put("node", d.ofNode().path());
                o.put("driver", d.driverName().orElse(null));
                o.put("model", b.model(d.name()).map(x -> x.getClass().getSimpleName()).orElse(null));
                pdevs.add(o);
            }
            root.put("platform_devices", pdevs);
            root.put("log", m.log().lines());
            root.put("errors", m.errors());
            if (pressure != null) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("pages", pressure.pages());
                p.put("pinned_pages", pressure.pinnedPages());
                p.put("regions", pressure.regions().size());
                p.put("nr_free_pages", m.pageAllocator().freePages());
                p.put("nr_free_cma", m.pageAllocator().freeCmaPages());
                root.put("pressure", p);
            }
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
            return;
        }
        m.log().entries().forEach(e -> out.println(e.dmesg()));
        out.println();
        out.printf("%-24s %12s %10s %5s %5s %s%n", "CMA area", "base", "MiB", "opb", "node", "state");
        for (Cma c : m.cma().areas()) {
            out.printf("%-24s %12s %10d %5d %5d %s%n", c.name(), String.format("%#x", c.base()),
                    c.size() / Mm.SZ_1M, c.orderPerBit(), c.nid(), c.active() ? "active" : "inactive");
        }
        if (m.cma().areas().isEmpty()) {
            out.println(m.errors().isEmpty() ? "(no CMA areas: on x86_64 give cma=SIZE on --cmdline)"
                    : "(no CMA areas: see the errors in the log above)");
        }
        if (pressure != null) {
            out.printf("%nMemory pressure: %d movable pages in %d regions, %d pinned; nr_free_pages %d, nr_free_cma %d%n",
                    pressure.pages(), pressure.regions().size(), pressure.pinnedPages(),
                    m.pageAllocator().freePages(), m.pageAllocator().freeCmaPages());
        }
        if (!m.devices().isEmpty()) {
            out.println();
            out.printf("%-40s %-28s %s%n", "Device", "compatible", "CMA area");
            for (DeviceNode d : m.devices()) {
                out.printf("%-40s %-28s %s%n", d.path(), d.compatible().getFirst(), d.cma().map(Cma::name).orElse("-"));
            }
        }
        if (!b.drivers().devices().isEmpty()) {
            out.println();
            out.printf("%-40s %-28s %s%n", "Platform device", "driver", "model");
            for (PlatformDevice d : b.drivers().devices()) {
                out.printf("%-40s %-28s %s%n", d.name(), d.driverName().orElse("-"),
                        b.model(d.name()).map(x -> x.getClass().getSimpleName()).orElse("-"));
            }
        }
    }

    /** One device for --json: path, compatible, reg, interrupts, memory_region (and what they lead to). */
    static Map<String, Object> device(DeviceNode d) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("path", d.path());
        o.put("compatible", d.compatible());
        List<Map<String, Object>> reg = new ArrayList<>();
        for (FdtNode.Reg r : d.reg()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("address", String.format("0x%x", r.address()));
            e.put("size", r.size());
            reg.add(e);
        }
        o.put("reg", reg);
        o.put("interrupts", d.interrupts());
        o.put("memory_region", d.memoryRegion().orElse(null));
        o.put("cma_area", d.cma().map(Cma::name).orElse(null));
        o.put("dma_limit", d.busDmaLimit() == 0 ? null : String.format("0x%x", d.busDmaLimit()));
        return o;
    }
}

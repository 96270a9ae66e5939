package io.jcma.devices.testing;

import io.jcma.cma.boot.Platform;
import io.jcma.cma.fdt.Fdt;
import io.jcma.cma.fdt.FdtWriter;
import io.jcma.devices.hw.testcounter.TestCounterLayout;

import java.util.ArrayList;
import java.util.List;

/**
 * Device trees for board tests, built with FdtWriter (no dtc needed): 1 GiB of RAM at
 * 0x40000000, a GICv3 (phandle 1, 3-cell interrupts), and device nodes at the root, under a
 * simple-bus "soc", or under a simple-bus "dma-bus" with dma-ranges.
 */
public final class TestDt {
    /** One device node: reg address (or -1 for none), interrupts cells, compatibles. */
    public record Node(String name, long address, long size, long[] interrupts, List<String> compatible) {
        public String fullName() {
            return address < 0 ? name : name + "@" + Long.toHexString(address);
        }
    }

    private final List<Node> top = new ArrayList<>();
    private final List<Node> soc = new ArrayList<>();
    private final List<Node> dmaBus = new ArrayList<>();
    private long[] dmaRanges;
    private final List<String> extraRootChildren = new ArrayList<>();

    public static TestDt create() {
        return new TestDt();
    }

    public static Node counter(long address, long spi) {
        return counter(address, spi, 4);
    }

    public static Node counter(long address, long spi, long flags) {
        return new Node("test-counter", address, TestCounterLayout.SIZE, new long[] {0, spi, flags},
                List.of(TestCounterLayout.COMPATIBLE));
    }

    public static Node node(String name, long address, long size, long[] interrupts, String... compatible) {
        return new Node(name, address, size, interrupts, List.of(compatible));
    }

    public TestDt top(Node... n) {
        top.addAll(List.of(n));
        return this;
    }

    public TestDt soc(Node... n) {
        soc.addAll(List.of(n));
        return this;
    }

    /** Nodes on a bus whose devices see CPU address {@code cpu} at bus address {@code bus}, for {@code size} bytes. */
    public TestDt dmaBus(long bus, long cpu, long size, Node... n) {
        dmaRanges = new long[] {bus, cpu, size};
        dmaBus.addAll(List.of(n));
        return this;
    }

    /** An /aliases entry. */
    public TestDt alias(String alias, String path) {
        extraRootChildren.add(alias + "=" + path);
        return this;
    }

    private static void write(FdtWriter w, Node n) {
        w.beginNode(n.fullName());
        w.strings("compatible", n.compatible().toArray(String[]::new));
        if (n.address() >= 0) {
            w.u64s("reg", n.address(), n.size());
        }
        if (n.interrupts() != null && n.interrupts().length > 0) {
            w.cells("interrupts", n.interrupts());
        }
        w.endNode();
    }

    private static void bus(FdtWriter w, String name, List<Node> nodes, long[] dmaRanges) {
        w.beginNode(name);
        w.strings("compatible", "simple-bus");
        w.cells("#address-cells", 2);
        w.cells("#size-cells", 2);
        w.property("ranges");
        if (dmaRanges != null) {
            w.u64s("dma-ranges", dmaRanges);
        }
        for (Node n : nodes) {
            write(w, n);
        }
        w.endNode();
    }

    public Fdt fdt() {
        FdtWriter w = FdtWriter.create();
        w.beginNode("");
        w.strings("model", "jcma test board");
        w.strings("compatible", "jcma,test");
        w.cells("#address-cells", 2);
        w.cells("#size-cells", 2);
        w.cells("interrupt-parent", 1);
        w.beginNode("chosen").endNode();
        if (!extraRootChildren.isEmpty()) {
            w.beginNode("aliases");
            for (String a : extraRootChildren) {
                String[] kv = a.split("=", 2);
                w.strings(kv[0], kv[1]);
            }
            w.endNode();
        }
        w.beginNode("memory@40000000");
        w.strings("device_type", "memory");
        w.u64s("reg", 0x4000_0000L, 1L << 30);
        w.endNode();
        w.beginNode("interrupt-controller@8000000");
        w.strings("compatible", "arm,gic-v3");
        w.cells("#interrupt-cells", 3);
        w.property("interrupt-controller");
        w.u64s("reg", 0x800_0000L, 0x1_0000L);
        w.cells("phandle", 1);
        w.endNode();
        for (Node n : top) {
            write(w, n);
        }
        if (!soc.isEmpty()) {
            bus(w, "soc", soc, null);
        }
        if (!dmaBus.isEmpty()) {
            bus(w, "dma-bus", dmaBus, dmaRanges);
        }
        w.endNode();
        return Fdt.parse(w.finish(0));
    }

    public Platform platform() {
        return Platform.builder().deviceTree(fdt()).build();
    }
}

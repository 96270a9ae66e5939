package io.jcma.devices.internal;

import io.jcma.cma.of.DeviceNode;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.fdt.FdtException;
import io.jcma.cma.fdt.FdtNode;
import io.jcma.cma.fdt.FdtProperty;
import io.jcma.cma.kernel.KernelLog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mirrors of_platform_populate() and of_device_make_bus_id() of drivers/of/platform.c: which
 * device-tree nodes become platform devices and what they are called.
 *
 * <ul>
 *   <li>Every available child of the root with a {@code compatible}, and recursively the
 *       children of nodes that match of_default_bus_match_table ({@code simple-bus},
 *       {@code simple-mfd}, {@code isa}, {@code arm,amba-bus}); children of other devices are
 *       their drivers' business.</li>
 *   <li>Not the interrupt controller the board models (of_irq_init() marks it OF_POPULATED),
 *       not {@code operating-points-v2} tables (of_skipped_node_table), not
 *       {@code arm,primecell} nodes (those go to the AMBA bus, which jcma has not).</li>
 *   <li>The name: the translated {@code reg} address in hex, '.', the node name without unit
 *       address ("10200000.dma-controller"); a node without {@code reg} takes its full name and
 *       prefixes its ancestors' ("soc:leds") up to one with an address ("10000000.bus:leds") or
 *       the root. Since Linux 4.13 there is no numeric suffix; a name that is still taken makes
 *       device_add() fail ("sysfs: cannot create duplicate filename"), and the node gets no
 *       device, as on Linux.</li>
 * </ul>
 */
final class OfPlatform {
    /** of_default_bus_match_table. */
    static final List<String> BUS_MATCH = List.of("simple-bus", "simple-mfd", "isa", "arm,amba-bus");
    /** The interrupt controllers the board's {@link Gic} stands for (IRQCHIP_DECLARE of irq-gic-v3.c, irq-gic.c). */
    static final List<String> IRQCHIPS = List.of("arm,gic-v3", "arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a9-gic");

    /**
     * One device to create.
     *
     * @param node      its device-tree node
     * @param name      dev_name()
     * @param devpath   its path under /sys/devices ("platform/dma-bus/10200000.dma-controller")
     */
    record OfDevice(DeviceNode node, String name, String devpath) {
    }

    private OfPlatform() {
    }

    static boolean isIrqchip(FdtNode n) {
        return n.has("interrupt-controller") && n.compatible().stream().anyMatch(IRQCHIPS::contains);
    }

    /** The devices of_platform_default_populate() creates for {@code m}, in device-tree order. */
    static List<OfDevice> populate(Machine m) {
        KernelLog log = m.log();
        Map<String, DeviceNode> byPath = new HashMap<>();
        for (DeviceNode d : m.devices()) {
            byPath.put(d.path(), d);
        }
        Map<String, String> busDevpath = new HashMap<>();
        Set<String> names = new HashSet<>();
        List<OfDevice> out = new ArrayList<>();
        for (DeviceNode d : m.devices()) {
            FdtNode n = d.node();
            FdtNode parent = n.parent().orElse(null);
            if (parent == null) {
                continue;
            }
            boolean top = parent.parent().isEmpty();
            if (!top && !busDevpath.containsKey(parent.path())) {
                continue;
            }
            if (isIrqchip(n) || d.compatible().contains("operating-points-v2") || d.compatible().contains("arm,primecell")) {
                continue;
            }
            String name = busId(d, byPath);
            String devpath = (top ? "platform" : busDevpath.get(parent.path())) + "/" + name;
            if (!names.add(name)) {
                log.err("sysfs: cannot create duplicate filename '/bus/platform/devices/" + name + "'");
                log.err("OF: " + d.path() + ": of_device_add failed (" + name + " is taken)");
                continue;
            }
            out.add(new OfDevice(d, name, devpath));
            if (d.compatible().stream().anyMatch(BUS_MATCH::contains)) {
                busDevpath.put(d.path(), devpath);
            }
        }
        return out;
    }

    /** of_device_make_bus_id(). */
    static String busId(DeviceNode d, Map<String, DeviceNode> byPath) {
        String name = null;
        for (FdtNode node = d.node(); node.parent().isPresent(); node = node.parent().get()) {
            Long addr = address(node, byPath);
            if (addr != null) {
                String here = Long.toHexString(addr) + "." + node.baseName();
                return name == null ? here : here + ":" + name;
            }
            name = name == null ? node.name() : node.name() + ":" + name;
        }
        return name;
    }

    /** The node's first translated {@code reg} address, or null when it has none. */
    private static Long address(FdtNode node, Map<String, DeviceNode> byPath) {
        DeviceNode dn = byPath.get(node.path());
        if (dn != null) {
            return dn.reg().isEmpty() ? null : dn.reg().getFirst().address();
        }
        try {
            List<FdtNode.Reg> reg = node.reg();
            return reg.isEmpty() ? null : reg.getFirst().address();
        } catch (FdtException e) {
            return null;
        }
    }

    /**
     * of_device_get_modalias(): "of:N&lt;name&gt;T&lt;type&gt;C&lt;compatible&gt;..." with the node
     * name, its device_type or "(null)", and each compatible with spaces made '_'.
     */
    static String modalias(DeviceNode d) {
        StringBuilder b = new StringBuilder("of:N").append(d.node().baseName()).append('T').append(deviceType(d));
        for (String c : d.compatible()) {
            b.append('C').append(c.replace(' ', '_'));
        }
        return b.toString();
    }

    /** of_node_get_device_type(), "(null)" where the node has none (printf of a NULL %s). */
    static String deviceType(DeviceNode d) {
        try {
            return d.node().property("device_type").map(FdtProperty::strings).filter(l -> !l.isEmpty())
                    .map(List::getFirst).orElse("(null)");
        } catch (FdtException e) {
            return "(null)";
        }
    }
}

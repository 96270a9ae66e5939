package io.jcma.devices.internal;

import io.jcma.cma.of.DeviceNode;
import io.jcma.cma.fdt.Fdt;
import io.jcma.cma.fdt.FdtException;
import io.jcma.cma.fdt.FdtProperty;
import io.jcma.cma.fs.KernelFs;
import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.devices.drivers.PlatformDriver;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The platform bus in sysfs, as drivers/base/bus.c, core.c and platform.c make it:
 * <pre>
 *   /sys/bus/platform/devices/NAME/modalias       of_device_modalias(): "of:N..T..C..\n"
 *   /sys/bus/platform/devices/NAME/uevent         dev_uevent() + of_device_uevent() + MODALIAS;
 *                                                 writing an action ("change") is accepted
 *   /sys/bus/platform/devices/NAME/of_node/compatible   the property's bytes, NUL-terminated strings
 *   /sys/bus/platform/devices/NAME/driver         while bound
 *   /sys/bus/platform/drivers/DRIVER/bind, unbind, uevent   write-only
 *   /sys/bus/platform/drivers/DRIVER/NAME         per bound device
 * </pre>
 * Linux makes {@code driver} and the per-device entries of a driver's directory symlinks (and
 * /sys/bus/platform/devices/NAME one into /sys/devices); jcma's pseudo files have no links, so
 * each reads as the name of what it points at, newline-terminated, as
 * {@code basename $(readlink ...)} prints it.
 */
final class PlatformSysfs {
    static final String DEVICES = "/sys/bus/platform/devices/";
    static final String DRIVERS = "/sys/bus/platform/drivers/";
    /** kobject_actions[] of lib/kobject_uevent.c. */
    private static final List<String> ACTIONS = List.of("add", "remove", "change", "move", "online", "offline", "bind",
            "unbind");

    private final KernelFs fs;
    private final KernelLog log;
    private final Optional<Fdt> fdt;

    PlatformSysfs(KernelFs fs, KernelLog log, Optional<Fdt> fdt) {
        this.fs = fs;
        this.log = log;
        this.fdt = fdt;
        fs.mkdir(DEVICES);
        fs.mkdir(DRIVERS);
    }

    void addDevice(PlatformDeviceImpl dev) {
        String dir = DEVICES + dev.name() + "/";
        DeviceNode n = dev.ofNode();
        fs.registerFile(dir + "modalias", () -> OfPlatform.modalias(n) + "\n", null);
        fs.registerFile(dir + "uevent", () -> uevent(dev), v -> synthUevent(dev.name(), v));
        StringBuilder compat = new StringBuilder();
        n.compatible().forEach(c -> compat.append(c).append('\0'));
        fs.registerFile(dir + "of_node/compatible", compat::toString, null);
    }

    /** dev_uevent(): DRIVER, then of_device_uevent(), then the bus's MODALIAS. */
    String uevent(PlatformDeviceImpl dev) {
        DeviceNode n = dev.ofNode();
        StringBuilder b = new StringBuilder();
        PlatformDriver drv = dev.driver();
        if (drv != null) {
            b.append("DRIVER=").append(drv.name()).append('\n');
        }
        b.append("OF_NAME=").append(n.node().baseName()).append('\n');
        b.append("OF_FULLNAME=").append(n.path()).append('\n');
        String type = OfPlatform.deviceType(n);
        if (!type.equals("(null)")) {
            b.append("OF_TYPE=").append(type).append('\n');
        }
        for (int i = 0; i < n.compatible().size(); i++) {
            b.append("OF_COMPATIBLE_").append(i).append('=').append(n.compatible().get(i)).append('\n');
        }
        b.append("OF_COMPATIBLE_N=").append(n.compatible().size()).append('\n');
        List<String> aliases = aliases(n.path());
        for (int i = 0; i < aliases.size(); i++) {
            b.append("OF_ALIAS_").append(i).append('=').append(aliases.get(i)).append('\n');
        }
        b.append("MODALIAS=").append(OfPlatform.modalias(n)).append('\n');
        return b.toString();
    }

    /** The /aliases entries that name {@code path} (of_alias_scan's aliases_lookup). */
    private List<String> aliases(String path) {
        List<String> out = new ArrayList<>();
        fdt.flatMap(f -> f.node("/aliases")).ifPresent(a -> {
            for (Map.Entry<String, FdtProperty> e : a.properties().entrySet()) {
                try {
                    List<String> v = e.getValue().strings();
                    if (!v.isEmpty() && v.getFirst().equals(path)) {
                        out.add(e.getKey());
                    }
                } catch (FdtException ex) {
                    // not a string: not an alias of a path
                }
            }
        });
        return out;
    }

    /** uevent_store() -> kobject_synth_uevent(): an action, optionally followed by a UUID and variables. */
    private void synthUevent(String kobj, String value) {
        String action = value.strip().split("\\s+", 2)[0];
        if (!ACTIONS.contains(action)) {
            log.warn("synthetic uevent: " + kobj + ": unknown uevent action string");
            throw new ErrnoException(Errno.EINVAL, "uevent: action=" + action + " (expected: one of " + ACTIONS + ")");
        }
    }

    void addDriver(DriverCoreImpl core, PlatformDriver drv) {
        String dir = DRIVERS + drv.name() + "/";
        fs.registerFile(dir + "bind", null, v -> {
            String name = v.strip();
            core.bind(core.device(name).orElseThrow(() -> new ErrnoException(Errno.ENODEV, "bind: device=" + name
                    + " (expected: a platform device)")), drv.name());
        });
        fs.registerFile(dir + "unbind", null, v -> core.unbindFrom(v.strip(), drv));
        fs.registerFile(dir + "uevent", null, v -> synthUevent(drv.name(), v));
    }

    void removeDriver(PlatformDriver drv) {
        fs.remove(DRIVERS + drv.name());
    }

    void bound(PlatformDeviceImpl dev, PlatformDriver drv) {
        fs.registerFile(DEVICES + dev.name() + "/driver", () -> drv.name() + "\n", null);
        fs.registerFile(DRIVERS + drv.name() + "/" + dev.name(), () -> dev.name() + "\n", null);
    }

    void unbound(PlatformDeviceImpl dev, PlatformDriver drv) {
        fs.remove(DEVICES + dev.name() + "/driver");
        fs.remove(DRIVERS + drv.name() + "/" + dev.name());
    }
}

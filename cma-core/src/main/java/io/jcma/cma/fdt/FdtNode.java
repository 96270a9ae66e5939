package io.jcma.cma.fdt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node of an unflattened device tree (struct device_node): its full name with unit address
 * ({@code "memory@40000000"}), its properties in blob order and its children.
 */
public final class FdtNode {
    /** OF_ROOT_NODE_ADDR_CELLS_DEFAULT / OF_ROOT_NODE_SIZE_CELLS_DEFAULT of include/linux/of.h. */
    public static final int ROOT_ADDR_CELLS_DEFAULT = 1;
    public static final int ROOT_SIZE_CELLS_DEFAULT = 1;
    /** OF_MAX_ADDR_CELLS of drivers/of/address.c. */
    public static final int MAX_ADDR_CELLS = 4;

    /** One (address, size) pair of a {@code reg}-like property. */
    public record Reg(long address, long size) {
    }

    private final String name;
    private final FdtNode parent;
    private final long offset;
    private final Map<String, FdtProperty> properties = new LinkedHashMap<>();
    private final List<FdtNode> children = new ArrayList<>();

    FdtNode(String name, FdtNode parent, long offset) {
        this.name = name;
        this.parent = parent;
        this.offset = offset;
    }

    void add(FdtProperty p) {
        properties.put(p.name(), p);
    }

    void add(FdtNode child) {
        children.add(child);
    }

    /** The full name, unit address included ("" for the root), as fdt_get_name() returns it. */
    public String name() {
        return name;
    }

    /** The name before '@'. */
    public String baseName() {
        int at = name.indexOf('@');
        return at < 0 ? name : name.substring(0, at);
    }

    /** The unit address after '@', or "". */
    public String unitAddress() {
        int at = name.indexOf('@');
        return at < 0 ? "" : name.substring(at + 1);
    }

    /** The blob offset of this node's FDT_BEGIN_NODE token (-1 when built in memory). */
    public long offset() {
        return offset;
    }

    public Optional<FdtNode> parent() {
        return Optional.ofNullable(parent);
    }

    /** The full path: "/" for the root, "/soc/gpu@fe000000" below it. */
    public String path() {
        if (parent == null) {
            return "/";
        }
        String p = parent.path();
        return p.equals("/") ? "/" + name : p + "/" + name;
    }

    public Map<String, FdtProperty> properties() {
        return Collections.unmodifiableMap(properties);
    }

    public Optional<FdtProperty> property(String name) {
        return Optional.ofNullable(properties.get(name));
    }

    public boolean has(String name) {
        return properties.containsKey(name);
    }

    public List<FdtNode> children() {
        return Collections.unmodifiableList(children);
    }

    /** The child with this full name, or with this base name when it has no unit address. */
    public Optional<FdtNode> child(String name) {
        for (FdtNode c : children) {
            if (c.name.equals(name)) {
                return Optional.of(c);
            }
        }
        for (FdtNode c : children) {
            if (c.baseName().equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The {@code compatible} strings, most specific first; empty when absent. */
    public List<String> compatible() {
        FdtProperty p = properties.get("compatible");
        return p == null ? List.of() : p.strings();
    }

    /** of_device_is_compatible() for one string. */
    public boolean isCompatible(String compat) {
        return compatible().contains(compat);
    }

    /** of_device_is_available(): no {@code status}, or "okay" / "ok". */
    public boolean isAvailable() {
        FdtProperty p = properties.get("status");
        if (p == null) {
            return true;
        }
        List<String> s = p.strings();
        return !s.isEmpty() && (s.getFirst().equals("okay") || s.getFirst().equals("ok"));
    }

    /** The node's phandle ({@code phandle} or {@code linux,phandle}), 0 when it has none. */
    public int phandle() {
        FdtProperty p = properties.get("phandle");
        if (p == null) {
            p = properties.get("linux,phandle");
        }
        return p == null ? 0 : p.u32();
    }

    /** This node's own {@code #address-cells}, for its children; the kernel default when absent. */
    public int addressCellsForChildren() {
        return cellsOf("#address-cells", ROOT_ADDR_CELLS_DEFAULT);
    }

    /** This node's own {@code #size-cells}, for its children; the kernel default when absent. */
    public int sizeCellsForChildren() {
        return cellsOf("#size-cells", ROOT_SIZE_CELLS_DEFAULT);
    }

    /**
     * of_n_addr_cells(): the {@code #address-cells} that applies to this node's {@code reg},
     * looked up from its parent towards the root.
     */
    public int addressCells() {
        return inherited("#address-cells", ROOT_ADDR_CELLS_DEFAULT);
    }

    /** of_n_size_cells(). */
    public int sizeCells() {
        return inherited("#size-cells", ROOT_SIZE_CELLS_DEFAULT);
    }

    private int inherited(String prop, int dflt) {
        for (FdtNode n = parent; n != null; n = n.parent) {
            if (n.has(prop)) {
                return n.cellsOf(prop, dflt);
            }
        }
        return dflt;
    }

    private int cellsOf(String prop, int dflt) {
        FdtProperty p = properties.get(prop);
        if (p == null) {
            return dflt;
        }
        int v = p.u32();
        if (v < 0 || v > MAX_ADDR_CELLS) {
            throw new FdtException(FdtException.Error.FDT_ERR_BADNCELLS, Math.max(p.offset(), 0),
                    path() + ": " + prop + "=" + Integer.toUnsignedString(v) + " (expected: 0.." + MAX_ADDR_CELLS + ")");
        }
        return v;
    }

    /** The {@code reg} pairs read with {@link #addressCells()} / {@link #sizeCells()}; empty without reg. */
    public List<Reg> reg() {
        return pairs("reg", addressCells(), sizeCells());
    }

    /**
     * A property of (address, size) pairs with the given cell counts (for {@code reg},
     * {@code alloc-ranges}).
     *
     * @throws FdtException FDT_ERR_BADVALUE if the length is not a whole number of pairs
     */
    public List<Reg> pairs(String prop, int addressCells, int sizeCells) {
        FdtProperty p = properties.get(prop);
        if (p == null) {
            return List.of();
        }
        int t = (addressCells + sizeCells) * 4;
        if (t == 0 || p.length() % t != 0) {
            throw new FdtException(FdtException.Error.FDT_ERR_BADVALUE, Math.max(p.offset(), 0), path() + ": " + prop
                    + " length " + p.length() + " (expected: a multiple of " + t + " bytes, #address-cells="
                    + addressCells + " #size-cells=" + sizeCells + ")");
        }
        List<Reg> out = new ArrayList<>();
        for (int c = 0; c < p.length() / 4; c += addressCells + sizeCells) {
            out.add(new Reg(p.number(c, addressCells), p.number(c + addressCells, sizeCells)));
        }
        return out;
    }

    /**
     * As {@link #pairs}, but a trailing partial entry is ignored, as early_init_dt_scan_memory()
     * reads {@code reg} of memory nodes ({@code while ((endp - reg) >= cells)}).
     */
    public List<Reg> pairsIgnoringTail(String prop, int addressCells, int sizeCells) {
        FdtProperty p = properties.get(prop);
        int cells = addressCells + sizeCells;
        if (p == null || cells == 0) {
            return List.of();
        }
        List<Reg> out = new ArrayList<>();
        for (int c = 0; c + cells <= p.length() / 4; c += cells) {
            out.add(new Reg(p.number(c, addressCells), p.number(c + addressCells, sizeCells)));
        }
        return out;
    }

    @Override
    public String toString() {
        return path();
    }
}

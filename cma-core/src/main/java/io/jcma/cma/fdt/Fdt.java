package io.jcma.cma.fdt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A flattened device tree (DTB, version 16 or 17), checked and unflattened.
 *
 * <h2>Layout</h2>
 * <pre>
 *   0x00 +---------------------------+  struct fdt_header, big-endian u32s:
 *        | magic 0xd00dfeed          |   magic, totalsize, off_dt_struct, off_dt_strings,
 *        | ...                       |   off_mem_rsvmap, version, last_comp_version,
 *        +---------------------------+   boot_cpuid_phys, size_dt_strings, size_dt_struct
 *        | memory reservation block  |  (u64 address, u64 size)... ending with (0, 0)
 *        +---------------------------+
 *        | structure block           |  tokens: BEGIN_NODE name\0 pad | PROP len nameoff value pad
 *        |                           |          | END_NODE | NOP | END, each 4-byte aligned
 *        +---------------------------+
 *        | strings block             |  property names, NUL-terminated
 *        +---------------------------+  totalsize
 * </pre>
 *
 * <h2>Checks</h2>
 * The header as fdt_check_header() of libfdt checks it (magic, versions, every block inside
 * totalsize and inside the buffer), then the whole structure block as fdt_check_full() walks it:
 * every token, name and value inside its block, every property name offset inside the strings
 * block and NUL-terminated there, nesting at most {@link #MAX_DEPTH} deep, exactly one root with
 * an empty name, an FDT_END after it; plus what unflattening needs: no duplicate property or sibling names, unique
 * phandles. The walk only moves forward through a bounded block, so it ends; the tree it builds
 * is never larger than the blob. A bad blob throws {@link FdtException} naming the offset and the
 * reason; nothing else escapes.
 */
public final class Fdt {
    public static final int FDT_MAGIC = 0xd00dfeed;
    public static final int FDT_BEGIN_NODE = 0x1;
    public static final int FDT_END_NODE = 0x2;
    public static final int FDT_PROP = 0x3;
    public static final int FDT_NOP = 0x4;
    public static final int FDT_END = 0x9;
    /** FDT_V17_SIZE: the header of a version 17 blob. */
    public static final int HEADER_SIZE = 40;
    /** The header of a version 16 blob (no size_dt_struct). */
    public static final int HEADER_SIZE_V16 = 36;
    /** FDT_MAX_DEPTH of drivers/of/fdt.c: unflatten_dt_nodes() refuses deeper trees. */
    public static final int MAX_DEPTH = 64;
    /** The largest blob {@link #read} accepts (the kernel maps at most 2 MiB of DT on arm64). */
    public static final long MAX_FILE_SIZE = 64L << 20;

    /** One entry of the memory reservation block (a /memreserve/ line). */
    public record Reservation(long address, long size) {
    }

    private final int version;
    private final int lastCompVersion;
    private final int bootCpuidPhys;
    private final List<Reservation> memReserve;
    private final FdtNode root;
    private final Map<Integer, FdtNode> phandles;

    private Fdt(int version, int lastCompVersion, int bootCpuidPhys, List<Reservation> memReserve, FdtNode root,
                Map<Integer, FdtNode> phandles) {
        this.version = version;
        this.lastCompVersion = lastCompVersion;
        this.bootCpuidPhys = bootCpuidPhys;
        this.memReserve = memReserve;
        this.root = root;
        this.phandles = phandles;
    }

    /**
     * Checks and unflattens {@code blob}.
     *
     * @throws FdtException naming the offset and the reason when the blob is not a valid DTB
     */
    public static Fdt parse(byte[] blob) {
        try {
            return new Parser(blob).parse();
        } catch (FdtException e) {
            throw e;
        } catch (RuntimeException e) {
            // A check this parser forgot must still surface as a clean, located error.
            throw new FdtException(FdtException.Error.FDT_ERR_BADSTRUCTURE, 0, "internal parser error: " + e);
        }
    }

    /**
     * Reads and parses a DTB file of at most {@link #MAX_FILE_SIZE} bytes.
     *
     * @throws IOException if the file cannot be read
     * @throws FdtException if it is not a valid DTB
     */
    public static Fdt read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_SIZE) {
            throw new FdtException(FdtException.Error.FDT_ERR_BADVALUE, 0, file + ": " + size
                    + " bytes (expected: at most " + MAX_FILE_SIZE + ")");
        }
        return parse(Files.readAllBytes(file));
    }

    public int version() {
        return version;
    }

    public int lastCompVersion() {
        return lastCompVersion;
    }

    public int bootCpuidPhys() {
        return bootCpuidPhys;
    }

    /** The memory reservation block, without its terminating (0, 0) entry. */
    public List<Reservation> memReserve() {
        return memReserve;
    }

    public FdtNode root() {
        return root;
    }

    /** of_find_node_by_path() for an absolute path; a component without '@' matches a base name. */
    public Optional<FdtNode> node(String path) {
        if (path == null || !path.startsWith("/")) {
            return Optional.empty();
        }
        FdtNode n = root;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            Optional<FdtNode> c = n.child(part);
            if (c.isEmpty()) {
                return Optional.empty();
            }
            n = c.get();
        }
        return Optional.of(n);
    }

    /** of_find_node_by_phandle(). */
    public Optional<FdtNode> byPhandle(int phandle) {
        return Optional.ofNullable(phandles.get(phandle));
    }

    /** Every node, depth first, root first. */
    public List<FdtNode> nodes() {
        List<FdtNode> out = new ArrayList<>();
        collect(root, out);
        return out;
    }

    private static void collect(FdtNode n, List<FdtNode> out) {
        out.add(n);
        for (FdtNode c : n.children()) {
            collect(c, out);
        }
    }

    /** The checks of fdt_check_header() and fdt_check_full(), building the tree as it goes. */
    private static final class Parser {
        private final byte[] b;
        private long totalsize;
        private long structStart;
        private long structEnd;
        private long stringsStart;
        private long stringsEnd;

        Parser(byte[] blob) {
            this.b = blob;
        }

        Fdt parse() {
            if (b.length < 4) {
                throw err(FdtException.Error.FDT_ERR_TRUNCATED, 0, "blob is " + b.length + " bytes (expected: at least a "
                        + HEADER_SIZE + "-byte header)");
            }
            int magic = u32(0);
            if (magic != FDT_MAGIC) {
                throw err(FdtException.Error.FDT_ERR_BADMAGIC, 0, String.format("magic=0x%08x (expected: 0x%08x)", magic, FDT_MAGIC));
            }
            if (b.length < 28) {
                throw err(FdtException.Error.FDT_ERR_TRUNCATED, 0, "blob is " + b.length + " bytes (expected: a whole header)");
            }
            long version = ul(20);
            long lastComp = ul(24);
            if (version < 16) {
                throw err(FdtException.Error.FDT_ERR_BADVERSION, 20, "version=" + version + " (expected: 16 or 17)");
            }
            if (lastComp > 17) {
                throw err(FdtException.Error.FDT_ERR_BADVERSION, 24, "last_comp_version=" + lastComp + " (expected: <= 17)");
            }
            if (version < lastComp) {
                throw err(FdtException.Error.FDT_ERR_BADVERSION, 20, "version=" + version + " < last_comp_version=" + lastComp);
            }
            int hdr = version >= 17 ? HEADER_SIZE : HEADER_SIZE_V16;
            if (b.length < hdr) {
                throw err(FdtException.Error.FDT_ERR_TRUNCATED, 0, "blob is " + b.length + " bytes (expected: a " + hdr
                        + "-byte version " + version + " header)");
            }
            totalsize = ul(4);
            if (totalsize < hdr || totalsize > Integer.MAX_VALUE) {
                throw err(FdtException.Error.FDT_ERR_TRUNCATED, 4, "totalsize=" + totalsize + " (expected: " + hdr
                        + ".." + Integer.MAX_VALUE + ")");
            }
            if (totalsize > b.length) {
                throw err(FdtException.Error.FDT_ERR_TRUNCATED, 4, "totalsize=" + totalsize + " but the blob has "
                        + b.length + " bytes");
            }
            long offRsv = ul(16);
            checkOff(hdr, offRsv, 16, "off_mem_rsvmap");
            structStart = ul(8);
            checkOff(hdr, structStart, 8, "off_dt_struct");
            long structSize = version >= 17 ? ul(36) : totalsize - structStart;
            checkBlock(structStart, structSize, 36, "dt_struct");
            structEnd = structStart + structSize;
            stringsStart = ul(12);
            checkOff(hdr, stringsStart, 12, "off_dt_strings");
            long stringsSize = ul(32);
            checkBlock(stringsStart, stringsSize, 32, "dt_strings");
            stringsEnd = stringsStart + stringsSize;

            List<Reservation> rsv = memReserve(offRsv);
            Map<Integer, FdtNode> phandles = new HashMap<>();
            FdtNode root = structure(phandles);
            return new Fdt((int) version, (int) lastComp, u32(28), rsv, root, Collections.unmodifiableMap(phandles));
        }

        private void checkOff(int hdr, long off, int field, String what) {
            if (off < hdr || off > totalsize) {
                throw err(FdtException.Error.FDT_ERR_TRUNCATED, field, what + "=" + off + " (expected: " + hdr + ".."
                        + totalsize + ", inside totalsize)");
            }
        }

        private void checkBlock(long off, long size, int field, String what) {
            if (off + size > totalsize) {
                throw err(FdtException.Error.FDT_ERR_TRUNCATED, field, "size_" + what + "=" + size + " at offset " + off
                        + " runs past totalsize=" + totalsize);
            }
        }

        private List<Reservation> memReserve(long off) {
            List<Reservation> out = new ArrayList<>();
            for (long o = off; ; o += 16) {
                if (o + 16 > totalsize) {
                    throw err(FdtException.Error.FDT_ERR_TRUNCATED, o, "memory reservation block runs past totalsize="
                            + totalsize + " without a (0, 0) entry");
                }
                long addr = u64(o);
                long size = u64(o + 8);
                if (addr == 0 && size == 0) {
                    return Collections.unmodifiableList(out);
                }
                out.add(new Reservation(addr, size));
            }
        }

        private FdtNode structure(Map<Integer, FdtNode> phandles) {
            long o = structStart;
            FdtNode root = null;
            FdtNode cur = null;
            int depth = 0;
            while (true) {
                int tag = token(o);
                long tagOff = o;
                o += 4;
                switch (tag) {
                    case FDT_BEGIN_NODE -> {
                        long nameEnd = nul(o, structEnd, "node name");
                        String name = new String(b, (int) o, (int) (nameEnd - o), StandardCharsets.UTF_8);
                        o = align4(nameEnd + 1);
                        if (cur == null) {
                            if (root != null) {
                                throw err(FdtException.Error.FDT_ERR_BADSTRUCTURE, tagOff, "a second root node '" + name + "'");
                            }
                            if (!name.isEmpty()) {
                                throw err(FdtException.Error.FDT_ERR_BADSTRUCTURE, tagOff, "root node name '" + name
                                        + "' (expected: empty)");
                            }
                            root = new FdtNode("", null, tagOff);
                            cur = root;
                        } else {
                            if (name.isEmpty() || name.indexOf('/') >= 0) {
                                throw err(FdtException.Error.FDT_ERR_BADSTRUCTURE, tagOff, "node name '" + name + "' under "
                                        + cur.path() + " (expected: non-empty, no '/')");
                            }
                            if (depth >= MAX_DEPTH) {
                                throw err(FdtException.Error.FDT_ERR_BADSTRUCTURE, tagOff, "node " + cur.path() + "/" + name
                                        + " nests deeper than " + MAX_DEPTH + " levels");
                            }
                            for (FdtNode c : cur.children()) {
                                if (c.name().equals(name)) {
                                    throw err(FdtException.Error.FDT_ERR_BADSTRUCTURE, tagOff, "duplicate node "
                                            + c.path());
                                }
                            }
                            FdtNode n = new FdtNode(name, cur, tagOff);
                            cur.add(n);
                            cur = n;
                        }
                        depth++;
                    }
                    case FDT_END_NODE -> {
                        if (cur == null) {
                            throw err(FdtException.Error.FDT_ERR_BADSTRUCTURE, tagOff, "FDT_END_NODE outside any node");
                        }
                        cur = cur.parent().orElse(null);
                        depth--;
                    }
                    case FDT_PROP -> {
                        if (o + 8 > structEnd) {
                            throw err(FdtException.Error.FDT_ERR_TRUNCATED, tagOff, "property header runs past the structure block end 0x"
                                    + Long.toHexString(structEnd));
                        }
                        long len = ul(o);
                        long nameoff = ul(o + 4);
                        o += 8;
                        if (cur == null) {
                            throw err(FdtException.Error.FDT_ERR_BADSTRUCTURE, tagOff, "property outside any node");
                        }
                        if (len > structEnd - o) {
                            throw err(FdtException.Error.FDT_ERR_TRUNCATED, tagOff, "property len=" + len
                                    + " runs past the structure block end 0x" + Long.toHexString(structEnd));
                        }
                        if (nameoff >= stringsEnd - stringsStart) {
                            throw err(FdtException.Error.FDT_ERR_BADOFFSET, tagOff + 8, "property nameoff=" + nameoff
                                    + " (expected: < size_dt_strings=" + (stringsEnd - stringsStart) + ")");
                        }
                        long ns = stringsStart + nameoff;
                        long ne = nul(ns, stringsEnd, "property name");
                        if (ne == ns) {
                            throw err(FdtException.Error.FDT_ERR_BADSTRUCTURE, tagOff, "empty property name in " + cur.path());
                        }
                        String pname = new String(b, (int) ns, (int) (ne - ns), StandardCharsets.UTF_8);
                        if (cur.has(pname)) {
                            throw err(FdtException.Error.FDT_ERR_BADSTRUCTURE, tagOff, "duplicate property " + pname
                                    + " in " + cur.path());
                        }
                        byte[] v = new byte[(int) len];
                        System.arraycopy(b, (int) o, v, 0, (int) len);
                        FdtProperty p = new FdtProperty(pname, v, tagOff);
                        cur.add(p);
                        o = align4(o + len);
                        if (pname.equals("phandle") || pname.equals("linux,phandle")) {
                            phandle(cur, p, phandles);
                        }
                    }
                    case FDT_NOP -> {
                    }
                    case FDT_END -> {
                        if (root == null) {
                            throw err(FdtException.Error.FDT_ERR_BADSTRUCTURE, tagOff, "FDT_END before the root node");
                        }
                        if (cur != null) {
                            throw err(FdtException.Error.FDT_ERR_BADSTRUCTURE, tagOff, "FDT_END inside " + cur.path()
                                    + " at depth " + depth);
                        }
                        return root;
                    }
                    default -> throw err(FdtException.Error.FDT_ERR_BADSTRUCTURE, tagOff, String.format("unknown token 0x%08x", tag));
                }
            }
        }

        private void phandle(FdtNode node, FdtProperty p, Map<Integer, FdtNode> phandles) {
            if (p.length() != 4) {
                throw err(FdtException.Error.FDT_ERR_BADPHANDLE, p.offset(), node.path() + ": " + p.name() + " length "
                        + p.length() + " (expected: 4)");
            }
            int ph = p.cell(0);
            if (ph == 0 || ph == -1) {
                throw err(FdtException.Error.FDT_ERR_BADPHANDLE, p.offset(), node.path() + ": " + p.name()
                        + String.format("=0x%x (expected: not 0 or 0xffffffff)", ph));
            }
            FdtNode other = phandles.get(ph);
            if (other != null && other != node) {
                throw err(FdtException.Error.FDT_ERR_BADPHANDLE, p.offset(), String.format("phandle 0x%x of %s is also %s's",
                        ph, node.path(), other.path()));
            }
            phandles.put(ph, node);
        }

        private int token(long o) {
            if (o < structStart || o + 4 > structEnd) {
                throw err(FdtException.Error.FDT_ERR_TRUNCATED, o, "structure block ends at 0x" + Long.toHexString(structEnd)
                        + " before FDT_END");
            }
            return u32(o);
        }

        /** The offset of the NUL ending the string at {@code from}, which must come before {@code end}. */
        private long nul(long from, long end, String what) {
            for (long i = from; i < end; i++) {
                if (b[(int) i] == 0) {
                    return i;
                }
            }
            throw err(FdtException.Error.FDT_ERR_TRUNCATED, from, what + " not NUL-terminated before 0x" + Long.toHexString(end));
        }

        private long align4(long o) {
            return (o + 3) & ~3L;
        }

        private int u32(long o) {
            int i = (int) o;
            return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
        }

        private long ul(long o) {
            return Integer.toUnsignedLong(u32(o));
        }

        private long u64(long o) {
            return (ul(o) << 32) | ul(o + 4);
        }

        private static FdtException err(FdtException.Error e, long offset, String reason) {
            return new FdtException(e, offset, reason);
        }
    }
}

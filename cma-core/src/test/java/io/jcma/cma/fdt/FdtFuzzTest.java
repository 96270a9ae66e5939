package io.jcma.cma.fdt;

import io.jcma.cma.boot.DefaultPlatform;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.boot.Platform;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Corrupts valid blobs (the built-in platform, real boards' DTBs, a writer-made one) in
 * thousands of seeded ways and checks that every parse ends, quickly, with either a tree or an
 * {@link FdtException}, and that whatever parses can be walked and booted without any other
 * exception.
 */
class FdtFuzzTest {
    private static final int MUTATIONS_PER_BASE = 1500;
    private static final long MAX_PARSE_NANOS = Duration.ofSeconds(1).toNanos();

    static List<byte[]> bases() throws IOException {
        List<byte[]> out = new ArrayList<>();
        out.add(FdtTest.sample());
        out.add(DefaultPlatform.dtb());
        for (String name : List.of("bcm2711-rpi-4-b.dtb", "meson-g12b-odroid-n2.dtb")) {
            try (InputStream in = FdtFuzzTest.class.getResourceAsStream("/dtb/" + name)) {
                out.add(in.readAllBytes());
            }
        }
        return out;
    }

    @Test
    void everyCorruptionGivesACleanErrorOrATree() throws IOException {
        List<byte[]> bases = bases();
        Map<FdtException.Error, Integer> seen = new EnumMap<>(FdtException.Error.class);
        int[] parsed = {0};
        long[] slowest = {0};
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (int bi = 0; bi < bases.size(); bi++) {
                byte[] base = bases.get(bi);
                assertThat(Fdt.parse(base)).isNotNull();
                for (int i = 0; i < MUTATIONS_PER_BASE; i++) {
                    long seed = bi * 1_000_003L + i;
                    byte[] m = mutate(base, new SplittableRandom(seed));
                    long t0 = System.nanoTime();
                    try {
                        Fdt f = Fdt.parse(m);
                        parsed[0]++;
                        walk(f);
                    } catch (FdtException e) {
                        assertThat(e.getMessage()).as("seed %d", seed).contains(e.error().name()).contains(" at offset 0x")
                                // the parser's safety net must never be what caught it
                                .doesNotContain("internal parser error");
                        assertThat(e.offset()).as("seed %d", seed).isBetween(0L, (long) m.length);
                        seen.merge(e.error(), 1, Integer::sum);
                    } catch (RuntimeException e) {
                        throw new AssertionError("seed " + seed + ": not an FdtException: " + e, e);
                    }
                    long dt = System.nanoTime() - t0;
                    slowest[0] = Math.max(slowest[0], dt);
                    assertThat(dt).as("seed %d parse time", seed).isLessThan(MAX_PARSE_NANOS);
                }
            }
        });
        // the mutations reach every kind of structural error, and some still parse
        assertThat(seen.keySet()).contains(FdtException.Error.FDT_ERR_TRUNCATED, FdtException.Error.FDT_ERR_BADMAGIC,
                FdtException.Error.FDT_ERR_BADVERSION, FdtException.Error.FDT_ERR_BADSTRUCTURE,
                FdtException.Error.FDT_ERR_BADOFFSET);
        assertThat(parsed[0]).isGreaterThan(100);
    }

    /** Reads every property every way; only FdtException may come out. */
    private static void walk(Fdt f) {
        for (FdtNode n : f.nodes()) {
            n.path();
            tryIt(n::reg);
            tryIt(n::compatible);
            tryIt(n::isAvailable);
            tryIt(n::phandle);
            for (FdtProperty p : n.properties().values()) {
                tryIt(p::u32);
                tryIt(p::u64);
                tryIt(p::cells);
                tryIt(p::strings);
                tryIt(() -> p.number(0, 2));
            }
        }
    }

    private static void tryIt(Runnable r) {
        try {
            r.run();
        } catch (FdtException e) {
            assertThat(e.error()).isNotNull();
        }
    }

    private static void tryIt(java.util.function.Supplier<?> s) {
        tryIt(() -> {
            s.get();
        });
    }

    @Test
    void corruptedBuiltInTreesThatParseStillBootOrSayWhy() {
        byte[] base = DefaultPlatform.dtb();
        int booted = 0;
        for (int i = 0; i < 4000 && booted < 60; i++) {
            SplittableRandom r = new SplittableRandom(77_000 + i);
            byte[] m = base.clone();
            // corrupt values only (property payloads), so that most trees still parse
            for (int k = 0; k < 1 + r.nextInt(4); k++) {
                int off = Fdt.HEADER_SIZE + 16 + r.nextInt(m.length - Fdt.HEADER_SIZE - 16);
                m[off] = (byte) r.nextInt(256);
            }
            Fdt f;
            try {
                f = Fdt.parse(m);
            } catch (FdtException e) {
                continue;
            }
            booted++;
            try (Machine machine = Machine.boot(Platform.builder().deviceTree(f).mem(1L << 30).build())) {
                assertThat(machine.memblock().physMemSize()).isEqualTo(1L << 30);
            } catch (IllegalArgumentException e) {
                // a platform the options cannot describe (e.g. a corrupted arch-independent value) is refused by name
                assertThat(e.getMessage()).as("seed %d", 77_000 + i).containsPattern("[a-z_]+: ");
            }
        }
        assertThat(booted).isEqualTo(60);
    }

    /** One to three corruptions of the kinds a broken bootloader or a bad flash produce. */
    static byte[] mutate(byte[] base, SplittableRandom r) {
        byte[] b = base.clone();
        int n = 1 + r.nextInt(3);
        for (int k = 0; k < n; k++) {
            int structOff = get(b, 8);
            int structSize = get(b, 36);
            switch (r.nextInt(9)) {
                case 0 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1)); // truncation
                case 1 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8)); // bit flip anywhere
                case 2 -> put(b, 4 * r.nextInt(10), interesting(r, b.length)); // a header field
                case 3 -> { // a structure word becomes a token
                    int[] tokens = {Fdt.FDT_BEGIN_NODE, Fdt.FDT_END_NODE, Fdt.FDT_PROP, Fdt.FDT_NOP, Fdt.FDT_END, 0, 0x7f};
                    structWord(b, r, structOff, structSize, tokens[r.nextInt(tokens.length)]);
                }
                case 4 -> propField(b, r, structOff, structSize, 4, interesting(r, b.length)); // property len
                case 5 -> propField(b, r, structOff, structSize, 8, interesting(r, b.length)); // property nameoff
                case 6 -> { // deep nesting: a run of BEGIN_NODE "x"
                    int at = structOff + 4 * r.nextInt(Math.max(1, structSize / 4));
                    for (int j = 0; j + 8 <= 8 * (1 + r.nextInt(80)) && at + 8 <= b.length; j += 8, at += 8) {
                        put(b, at, Fdt.FDT_BEGIN_NODE);
                        put(b, at + 4, 0x7800_0000);
                    }
                }
                case 7 -> { // blocks pointing into each other (loops back to the header, overlaps)
                    int[] fields = {8, 12, 16};
                    int[] targets = {0, 40, structOff, get(b, 12), get(b, 16), b.length - 4};
                    put(b, fields[r.nextInt(3)], targets[r.nextInt(targets.length)]);
                }
                default -> { // a string offset or a name byte in the strings block
                    int strOff = get(b, 12);
                    if (strOff >= 0 && strOff < b.length) {
                        b[strOff + r.nextInt(Math.max(1, b.length - strOff))] = (byte) (r.nextBoolean() ? 0 : 'A');
                    }
                }
            }
            if (b.length < 40) {
                break;
            }
        }
        return b;
    }

    private static int interesting(SplittableRandom r, int len) {
        int[] v = {0, 1, 3, 4, 8, 16, 39, 40, len - 1, len, len + 1, Integer.MAX_VALUE, -1, -4, 0x8000_0000, 0xd00dfeed};
        return r.nextInt(4) == 0 ? r.nextInt() : v[r.nextInt(v.length)];
    }

    private static void structWord(byte[] b, SplittableRandom r, int structOff, int structSize, int value) {
        if (structOff < 0 || structSize <= 4 || structOff + structSize > b.length) {
            return;
        }
        put(b, structOff + 4 * r.nextInt(structSize / 4), value);
    }

    /** Overwrites the len (+4) or nameoff (+8) field of a random FDT_PROP token. */
    private static void propField(byte[] b, SplittableRandom r, int structOff, int structSize, int field, int value) {
        if (structOff < 0 || structSize <= 12 || structOff + structSize > b.length) {
            return;
        }
        List<Integer> props = new ArrayList<>();
        for (int o = structOff; o + 12 <= structOff + structSize; o += 4) {
            if (get(b, o) == Fdt.FDT_PROP) {
                props.add(o);
            }
        }
        if (!props.isEmpty()) {
            put(b, props.get(r.nextInt(props.size())) + field, value);
        }
    }

    private static int get(byte[] b, int o) {
        if (o < 0 || o + 4 > b.length) {
            return -1;
        }
        return ((b[o] & 0xff) << 24) | ((b[o + 1] & 0xff) << 16) | ((b[o + 2] & 0xff) << 8) | (b[o + 3] & 0xff);
    }

    private static void put(byte[] b, int o, int v) {
        if (o < 0 || o + 4 > b.length) {
            return;
        }
        b[o] = (byte) (v >>> 24);
        b[o + 1] = (byte) (v >>> 16);
        b[o + 2] = (byte) (v >>> 8);
        b[o + 3] = (byte) v;
    }
}

package io.jcma.cli;

import io.jcma.cma.Cma;
import io.jcma.cma.boot.Machine;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.PageState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./jcma map --out FILE.png}: each CMA area drawn page by page, one square per page,
 * row after row, so that fragmentation and what blocks cma_alloc can be seen.
 */
@Command(name = "map", mixinStandardHelpOptions = true,
        description = "Draw each CMA area page by page (free, CMA-allocated, lent to movable, pinned) into a PNG.",
        footerHeading = "%nExample:%n",
        footer = {"  ./jcma map --out /tmp/m.png --mem 1G --cmdline \"cma=256M\" --pressure 80:1"})
final class MapCommand implements Callable<Integer> {
    /** The colours of the legend, by what a page of a CMA area is doing. */
    static final Map<PageState, Color> COLORS = new EnumMap<PageState, Color>(Map.of(
            PageState.FREE, new Color(0xe8e8e8),
            PageState.CONTIG, new Color(0x1f6fd1),
            PageState.MOVABLE, new Color(0xf5a623),
            PageState.ALLOCATED, new Color(0x8b5a2b),
            PageState.PINNED, new Color(0xd0021b),
            PageState.RESERVED, new Color(0x202020)));
    private static final Map<PageState, String> LABELS = new EnumMap<PageState, String>(Map.of(
            PageState.FREE, "free",
            PageState.CONTIG, "CMA-allocated",
            PageState.MOVABLE, "lent to movable (migratable)",
            PageState.ALLOCATED, "lent to movable (not migratable)",
            PageState.PINNED, "pinned (blocks cma_alloc)",
            PageState.RESERVED, "not activated"));
    private static final int MARGIN = 10;
    private static final int TITLE = 18;
    private static final int LEGEND_ROW = 16;

    @Mixin
    PlatformOptions platform;

    @Mixin
    PressureOptions pressure;

    @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "The PNG to write.")
    Path out;

    @Option(names = "--columns", paramLabel = "PAGES", defaultValue = "512",
            description = "Pages per row (default: ${DEFAULT-VALUE}, one pageblock).")
    int columns;

    @Option(names = "--scale", paramLabel = "PIXELS", defaultValue = "2",
            description = "Pixels per page side (default: ${DEFAULT-VALUE}).")
    int scale;

    @Override
    public Integer call() throws IOException {
        if (columns < 1 || columns > 65536) {
            throw new IllegalArgumentException("--columns: " + columns + " (expected: 1..65536)");
        }
        if (scale < 1 || scale > 16) {
            throw new IllegalArgumentException("--scale: " + scale + " (expected: 1..16)");
        }
        Path dir = out.toAbsolutePath().getParent();
        if (dir == null || !java.nio.file.Files.isDirectory(dir) || !java.nio.file.Files.isWritable(dir)) {
            throw new IllegalArgumentException("--out: " + out + " (expected: a file in an existing, writable directory)");
        }
        try (Machine m = Machine.boot(platform.platform())) {
            pressure.apply(m);
            List<Cma> areas = m.cma().areas();
            if (areas.isEmpty()) {
                throw new IllegalArgumentException("map: the machine has no CMA area (on x86_64 give cma=SIZE on --cmdline)");
            }
            BufferedImage img = draw(m, areas, columns, scale);
            if (!ImageIO.write(img, "png", out.toFile())) {
                throw new IOException("map: no PNG writer");
            }
            System.out.println("wrote " + out + " (" + img.getWidth() + "x" + img.getHeight() + ", "
                    + areas.size() + " area" + (areas.size() == 1 ? "" : "s") + ")");
        }
        return 0;
    }

    static BufferedImage draw(Machine m, List<Cma> areas, int columns, int scale) {
        int width = Math.max(columns * scale, 360) + 2 * MARGIN;
        int height = MARGIN;
        for (Cma a : areas) {
            height += TITLE + rows(a, columns) * scale + MARGIN;
        }
        height += LEGEND_ROW * COLORS.size() + MARGIN;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int y = MARGIN;
        for (Cma a : areas) {
            PageState[] states = a.count() == 0 ? new PageState[0]
                    : m.migratingPageAllocator().orElseThrow().pageStates(a.basePfn(), (int) a.count());
            long[] n = new long[PageState.values().length];
            for (PageState s : states) {
                n[s.ordinal()]++;
            }
            g.setColor(Color.BLACK);
            g.drawString(String.format("%s: %s, %d pages, %d CMA-allocated, %d lent, %d pinned, %d free",
                    a.name(), Mm.pa(a.base()), a.count(), n[PageState.CONTIG.ordinal()],
                    n[PageState.MOVABLE.ordinal()] + n[PageState.ALLOCATED.ordinal()], n[PageState.PINNED.ordinal()],
                    n[PageState.FREE.ordinal()]), MARGIN, y + 13);
            y += TITLE;
            for (int i = 0; i < states.length; i++) {
                g.setColor(COLORS.get(states[i]));
                g.fillRect(MARGIN + (i % columns) * scale, y + (i / columns) * scale, scale, scale);
            }
            y += rows(a, columns) * scale + MARGIN;
        }
        for (PageState s : new PageState[] {PageState.FREE, PageState.CONTIG, PageState.MOVABLE, PageState.ALLOCATED,
                PageState.PINNED, PageState.RESERVED}) {
            g.setColor(COLORS.get(s));
            g.fillRect(MARGIN, y + 2, 12, 12);
            g.setColor(Color.BLACK);
            g.drawRect(MARGIN, y + 2, 12, 12);
            g.drawString(LABELS.get(s), MARGIN + 18, y + 13);
            y += LEGEND_ROW;
        }
        g.dispose();
        return img;
    }

    private static int rows(Cma a, int columns) {
        return (int) Math.max(1, (a.count() + columns - 1) / columns);
    }
}

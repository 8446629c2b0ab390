package org.spe.workspace.desktop;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a terminal's screen the way a person would check it, without OCR: the terminal draws dark
 * glyphs of one fixed font on a light background, so the output line of {@code echo WORD} shows
 * exactly the same pixels as the WORD typed on the command line above it. {@link #showsEchoOutput}
 * looks for a text line whose whole content appears, pixel for pixel, further right on an earlier
 * line. Used by the desktop tests (in the workspace manager and through the server's tunnel).
 */
public final class TerminalText {
    private record Band(int top, int bottom) {}

    private TerminalText() {}

    /** Whether some line of the screen repeats, at its start, glyphs shown further right on an earlier line. */
    public static boolean showsEchoOutput(BufferedImage screen) {
        return findEcho(screen) >= 0;
    }

    /**
     * Whether the terminal shows its prompt in its first line (near the top of the screen, where
     * the pointer never starts): the desktop is ready for typing.
     */
    public static boolean showsText(BufferedImage screen) {
        return screen != null && bands(darkGlyphs(screen), Math.min(screen.getWidth(), 700), Math.min(screen.getHeight(), 500)).stream()
                .anyMatch(band -> band.top() < 60);
    }

    /**
     * Whether the terminal has the keyboard focus: xterm then draws its text cursor as a filled
     * block (a hollow box without focus), a solid dark area no glyph of its font has. Keys typed
     * before the window manager gave the terminal the focus are lost, so tests wait for this.
     */
    public static boolean hasFocus(BufferedImage screen) {
        if (screen == null) {
            return false;
        }
        int width = Math.min(screen.getWidth(), 700) - CURSOR_WIDTH;
        int height = Math.min(screen.getHeight(), 500) - CURSOR_HEIGHT;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (solidDark(screen, x, y)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static final int CURSOR_WIDTH = 5;
    private static final int CURSOR_HEIGHT = 10;

    private static boolean solidDark(BufferedImage screen, int left, int top) {
        for (int y = top; y < top + CURSOR_HEIGHT; y++) {
            for (int x = left; x < left + CURSOR_WIDTH; x++) {
                if (!dark(screen.getRGB(x, y))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean dark(int rgb) {
        int luma = ((rgb >> 16 & 0xff) * 3 + (rgb >> 8 & 0xff) * 6 + (rgb & 0xff)) / 10;
        return luma < 100;
    }

    /** The horizontal shift of the repeated glyphs, or -1 when there is none. Visible for diagnosis. */
    public static int findEcho(BufferedImage screen) {
        int width = Math.min(screen.getWidth(), 700);
        boolean[][] dark = darkGlyphs(screen);
        List<Band> bands = bands(dark, width, dark.length);
        for (int b = 1; b < bands.size(); b++) {
            Band output = bands.get(b);
            int[] extent = extent(dark, output, width);
            if (extent == null || extent[1] - extent[0] < 12) {
                continue; // empty, or only a prompt
            }
            for (int a = 0; a < b; a++) {
                Band command = bands.get(a);
                int shift = match(dark, command, output, extent, width);
                if (shift > 0) {
                    return shift;
                }
            }
        }
        return -1;
    }

    /** Dark pixels of the screen's top-left part, window borders (long straight lines) left out. */
    private static boolean[][] darkGlyphs(BufferedImage screen) {
        int width = Math.min(screen.getWidth(), 700);
        int height = Math.min(screen.getHeight(), 500);
        boolean[][] dark = new boolean[height][width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                dark[y][x] = dark(screen.getRGB(x, y));
            }
        }
        // Window borders are long straight lines, not glyphs: leave them out.
        for (int x = 0; x < width; x++) {
            int count = 0;
            for (int y = 0; y < height; y++) {
                count += dark[y][x] ? 1 : 0;
            }
            if (count > 100) {
                for (int y = 0; y < height; y++) {
                    dark[y][x] = false;
                }
            }
        }
        for (int y = 0; y < height; y++) {
            int count = 0;
            for (int x = 0; x < width; x++) {
                count += dark[y][x] ? 1 : 0;
            }
            if (count > 200) {
                java.util.Arrays.fill(dark[y], false);
            }
        }
        return dark;
    }

    private static List<Band> bands(boolean[][] dark, int width, int height) {
        List<Band> bands = new ArrayList<>();
        int start = -1;
        for (int y = 0; y < height; y++) {
            boolean any = false;
            for (int x = 0; x < width && !any; x++) {
                any = dark[y][x];
            }
            if (any && start < 0) {
                start = y;
            } else if (!any && start >= 0) {
                bands.add(new Band(start, y));
                start = -1;
            }
        }
        return bands;
    }

    private static int[] extent(boolean[][] dark, Band band, int width) {
        int left = -1;
        int right = -1;
        for (int y = band.top(); y < band.bottom(); y++) {
            for (int x = 0; x < width; x++) {
                if (dark[y][x]) {
                    left = left < 0 ? x : Math.min(left, x);
                    right = Math.max(right, x);
                }
            }
        }
        return left < 0 ? null : new int[] {left, right + 1};
    }

    /** The shift at which the output band's glyphs appear on the command band, or -1. */
    private static int match(boolean[][] dark, Band command, Band output, int[] extent, int width) {
        int height = output.bottom() - output.top();
        if (command.bottom() - command.top() < height) {
            return -1;
        }
        for (int offsetY = 0; offsetY + height <= command.bottom() - command.top(); offsetY++) {
            for (int shift = 1; extent[1] + shift <= width; shift++) {
                boolean same = true;
                for (int y = 0; y < height && same; y++) {
                    boolean[] out = dark[output.top() + y];
                    boolean[] in = dark[command.top() + offsetY + y];
                    for (int x = extent[0]; x < extent[1]; x++) {
                        if (out[x] != in[x + shift]) {
                            same = false;
                            break;
                        }
                    }
                }
                if (same) {
                    return shift;
                }
            }
        }
        return -1;
    }
}

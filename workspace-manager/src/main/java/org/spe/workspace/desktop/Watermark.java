package org.spe.workspace.desktop;

import static java.util.Objects.requireNonNull;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The visible watermark of a desktop session: the user ID and the time (UTC, to the minute) in
 * the bottom-right corner and, fainter, across the lower part of the screen, so a photograph of
 * the screen names who looked at it and when. Drawn on its own transparent layer above the
 * desktop, which the desktop cannot draw over. Pure function of its inputs; thread-safe.
 */
public final class Watermark {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private Watermark() {}

    /** The watermark's text for {@code userId} at {@code time}. */
    public static String text(String userId, Instant time) {
        return requireNonNull(userId, "userId is null") + "  " + TIME.format(requireNonNull(time, "time is null"));
    }

    /** A transparent {@code width}×{@code height} image with the watermark drawn on it. */
    public static BufferedImage render(String text, int width, int height) {
        BufferedImage image = new BufferedImage(Math.max(1, width), Math.max(1, height), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            int textWidth = g.getFontMetrics().stringWidth(text);
            int x = Math.max(4, width - textWidth - 12);
            int y = Math.max(16, height - 12);
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.55f));
            g.setColor(Color.BLACK);
            g.fillRect(x - 6, y - 16, textWidth + 12, 22);
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.9f));
            g.setColor(new Color(255, 220, 0));
            g.drawString(text, x, y);
            // a fainter repetition along the bottom band, away from where windows usually open
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.18f));
            g.setColor(Color.WHITE);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int band = Math.max(16, height - 48);
            for (int left = 8; left < x - textWidth; left += textWidth + 60) {
                g.drawString(text, left, band);
            }
        } finally {
            g.dispose();
        }
        return image;
    }
}

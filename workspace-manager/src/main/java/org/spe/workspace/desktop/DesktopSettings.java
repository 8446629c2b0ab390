package org.spe.workspace.desktop;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How desktops are made and how long their sessions may last.
 *
 * @param runtimeDirectory where generated desktop configuration is written (platform-owned)
 * @param defaultWidth width of a desktop when the browser does not say, in pixels
 * @param defaultHeight height likewise
 * @param startTimeout how long the X display and VNC server may take to come up
 * @param idleTimeout a session without key or mouse input for this long is disconnected
 * @param maxSessionLength a session is disconnected after this long, whatever happens in it
 */
public record DesktopSettings(Path runtimeDirectory, int defaultWidth, int defaultHeight, Duration startTimeout,
        Duration idleTimeout, Duration maxSessionLength) {
    public static final int MIN_SIZE = 320;
    public static final int MAX_WIDTH = 3840;
    public static final int MAX_HEIGHT = 2160;

    public DesktopSettings {
        requireNonNull(runtimeDirectory, "runtimeDirectory is null");
        checkSize(defaultWidth, defaultHeight);
        requireNonNull(startTimeout, "startTimeout is null");
        requireNonNull(idleTimeout, "idleTimeout is null");
        requireNonNull(maxSessionLength, "maxSessionLength is null");
        if (startTimeout.isNegative() || startTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()
                || maxSessionLength.isNegative() || maxSessionLength.isZero()) {
            throw new IllegalArgumentException("desktop timeouts must be positive");
        }
    }

    /** 1280×800, 30 s to start, 30 minutes idle, 8 hours at most. */
    public static DesktopSettings defaults(Path runtimeDirectory) {
        return new DesktopSettings(runtimeDirectory, 1280, 800, Duration.ofSeconds(30), Duration.ofMinutes(30), Duration.ofHours(8));
    }

    /** Throws IllegalArgumentException unless {@code width}×{@code height} is a desktop size this platform makes. */
    public static void checkSize(int width, int height) {
        if (width < MIN_SIZE || width > MAX_WIDTH || height < MIN_SIZE || height > MAX_HEIGHT) {
            throw new IllegalArgumentException("desktop size must be " + MIN_SIZE + ".." + MAX_WIDTH + " by " + MIN_SIZE + ".." + MAX_HEIGHT
                    + " pixels: " + width + "x" + height);
        }
    }
}

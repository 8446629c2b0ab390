package org.spe.output.release;

import static java.util.Objects.requireNonNull;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.spe.core.SpeException;

/**
 * The rules for a path under a workspace's {@code outputs/}, checked before anything is opened.
 * Stateless and thread-safe.
 */
public final class OutputPaths {
    /** The longest path accepted, in characters. */
    public static final int MAX_LENGTH = 512;

    private OutputPaths() {}

    /**
     * Throws INVALID_INPUT naming the path unless it is relative, uses {@code /} separators, has
     * no empty, {@code .} or {@code ..} segment, no backslash, colon or control character, and
     * stays inside its root once normalised.
     */
    public static String check(String relativePath) {
        requireNonNull(relativePath, "relativePath is null");
        if (relativePath.isEmpty() || relativePath.length() > MAX_LENGTH) {
            throw SpeException.invalid("File '%s': a path must have 1 to %d characters", shown(relativePath), MAX_LENGTH);
        }
        if (relativePath.startsWith("/") || relativePath.contains("\\") || relativePath.contains(":")) {
            throw SpeException.invalid("File '%s': the path must be relative to outputs/ and use '/' (no absolute paths, drive letters or backslashes)",
                    shown(relativePath));
        }
        for (int i = 0; i < relativePath.length(); i++) {
            if (Character.isISOControl(relativePath.charAt(i))) {
                throw SpeException.invalid("File '%s': the path contains a control character", shown(relativePath));
            }
        }
        for (String segment : relativePath.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw SpeException.invalid("File '%s': path traversal is not allowed (empty, '.' or '..' segment)", shown(relativePath));
            }
        }
        try {
            Path path = Path.of(relativePath);
            if (path.isAbsolute() || !path.normalize().equals(path) || path.normalize().startsWith("..")) {
                throw SpeException.invalid("File '%s': the path leaves outputs/", shown(relativePath));
            }
        } catch (InvalidPathException e) {
            throw SpeException.invalid("File '%s': not a valid path: %s", shown(relativePath), e.getReason());
        }
        return relativePath;
    }

    private static String shown(String path) {
        StringBuilder safe = new StringBuilder();
        path.codePoints().limit(MAX_LENGTH).forEach(c -> safe.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return safe.toString();
    }
}

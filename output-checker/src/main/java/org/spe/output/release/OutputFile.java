package org.spe.output.release;

import static java.util.Objects.requireNonNull;

/**
 * A regular file in a workspace's {@code outputs/} directory.
 *
 * @param relativePath its path under {@code outputs/}, with {@code /} separators, never absolute and never
 *     containing {@code ..}
 * @param sizeBytes its size when listed
 */
public record OutputFile(String relativePath, long sizeBytes) {
    public OutputFile {
        requireNonNull(relativePath, "relativePath is null");
        OutputPaths.check(relativePath);
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes must not be negative");
        }
    }
}

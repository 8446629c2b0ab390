package org.spe.workspace.notebook;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A notebook file in a workspace's home.
 *
 * @param path its path relative to the home, with {@code /} between folders
 * @param sizeBytes its size
 * @param modifiedAt when it was last written
 */
public record NotebookEntry(String path, long sizeBytes, Instant modifiedAt) {
    public NotebookEntry {
        requireNonNull(path, "path is null");
        requireNonNull(modifiedAt, "modifiedAt is null");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes is negative: " + sizeBytes);
        }
    }
}

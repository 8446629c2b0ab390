package org.spe.output.release;

import java.io.InputStream;
import java.util.List;

/**
 * Read-only access to the {@code outputs/} directory of a workspace, from which release requests
 * take their files. The output checker owns this interface; the workspace side implements it
 * (DESIGN.md §3). {@link DirectoryOutputFiles} is the implementation over a directory tree.
 *
 * <p>Implementations are thread-safe, never follow symbolic links and never return anything
 * outside the workspace's {@code outputs/}. Failures are {@link org.spe.core.SpeException}s: NOT_FOUND
 * for a missing workspace or file, INVALID_INPUT for a path or file that may not be released
 * (traversal, symbolic link, not a regular file).
 */
public interface OutputFiles {
    /** The regular files under the workspace's {@code outputs/}, sorted by path; symbolic links are left out. Blocking. */
    List<OutputFile> list(String workspaceId);

    /**
     * Opens one file for reading. The caller closes the stream. Blocking.
     *
     * @param relativePath a path as {@link OutputPaths#check} accepts it
     */
    InputStream open(String workspaceId, String relativePath);
}

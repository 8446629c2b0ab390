package org.spe.workspace.lifecycle;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * What was wiped when a workspace was destroyed (データ消去): each file's path relative to the
 * workspace, size and SHA-256 before deletion, and when. Signed by the platform when stored.
 */
public record DeletionCertificate(String workspaceId, String permitId, Instant wipedAt, List<WipedFile> files, long totalBytes) {
    public DeletionCertificate {
        requireNonNull(workspaceId, "workspaceId is null");
        requireNonNull(permitId, "permitId is null");
        requireNonNull(wipedAt, "wipedAt is null");
        files = List.copyOf(requireNonNull(files, "files is null"));
    }

    /** One wiped file. */
    public record WipedFile(String path, long bytes, String sha256) {
        public WipedFile {
            requireNonNull(path, "path is null");
            requireNonNull(sha256, "sha256 is null");
        }
    }
}

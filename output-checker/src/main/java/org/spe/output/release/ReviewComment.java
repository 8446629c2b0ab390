package org.spe.output.release;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A reviewer's comment on one file.
 *
 * @param fileId the file
 * @param authorId the output checker who wrote it
 * @param text the comment
 * @param visibility who sees it
 * @param createdAt when it was written
 */
public record ReviewComment(String fileId, String authorId, String text, CommentVisibility visibility, Instant createdAt) {
    public ReviewComment {
        requireNonNull(fileId, "fileId is null");
        requireNonNull(authorId, "authorId is null");
        requireNonNull(text, "text is null");
        requireNonNull(visibility, "visibility is null");
        requireNonNull(createdAt, "createdAt is null");
    }
}

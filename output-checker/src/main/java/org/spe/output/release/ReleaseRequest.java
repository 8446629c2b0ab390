package org.spe.output.release;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A release request as one caller may see it. The author's view ({@link View#AUTHOR}) never holds
 * checker-only comments; the checkers' view holds everything.
 *
 * @param id the request's id
 * @param workspaceId the workspace whose {@code outputs/} the files came from
 * @param permitId the permit the work is done under
 * @param authorId the researcher who wrote it
 * @param title a short title
 * @param state its state
 * @param sdcProfile the permit's SDC profile the files were checked with
 * @param files the files, by path
 * @param reviews the current decisions, by file then reviewer
 * @param comments the comments this view may show, oldest first
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 * @param submittedAt when it was last submitted
 * @param decidedAt when it reached RELEASED or REJECTED
 * @param view whose view this is
 */
public record ReleaseRequest(
        String id,
        String workspaceId,
        String permitId,
        String authorId,
        String title,
        ReleaseState state,
        String sdcProfile,
        List<ReleaseFile> files,
        List<FileReview> reviews,
        List<ReviewComment> comments,
        Instant createdAt,
        Instant updatedAt,
        Optional<Instant> submittedAt,
        Optional<Instant> decidedAt,
        View view) {
    /** Whose view of a request this is. */
    public enum View {
        /** The researcher who wrote it: checker-only comments are left out. */
        AUTHOR,
        /** An output checker: everything. */
        CHECKER
    }

    public ReleaseRequest {
        requireNonNull(id, "id is null");
        requireNonNull(workspaceId, "workspaceId is null");
        requireNonNull(permitId, "permitId is null");
        requireNonNull(authorId, "authorId is null");
        requireNonNull(title, "title is null");
        requireNonNull(state, "state is null");
        requireNonNull(sdcProfile, "sdcProfile is null");
        files = List.copyOf(requireNonNull(files, "files is null"));
        reviews = List.copyOf(requireNonNull(reviews, "reviews is null"));
        comments = List.copyOf(requireNonNull(comments, "comments is null"));
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
        requireNonNull(submittedAt, "submittedAt is null");
        requireNonNull(decidedAt, "decidedAt is null");
        requireNonNull(view, "view is null");
        if (view == View.AUTHOR && comments.stream().anyMatch(c -> c.visibility() == CommentVisibility.CHECKERS)) {
            throw new IllegalArgumentException("the author's view cannot hold checker-only comments");
        }
    }

    /** The file with that id. */
    public Optional<ReleaseFile> file(String fileId) {
        return files.stream().filter(f -> f.id().equals(fileId)).findFirst();
    }

    /** The file with that path. */
    public Optional<ReleaseFile> fileAt(String relativePath) {
        return files.stream().filter(f -> f.relativePath().equals(relativePath)).findFirst();
    }
}

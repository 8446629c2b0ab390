package org.spe.output.release;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One checker's current decision on one file.
 *
 * @param fileId the file
 * @param reviewerId the output checker
 * @param decision the decision
 * @param decidedAt when it was recorded
 */
public record FileReview(String fileId, String reviewerId, ReviewDecision decision, Instant decidedAt) {
    public FileReview {
        requireNonNull(fileId, "fileId is null");
        requireNonNull(reviewerId, "reviewerId is null");
        requireNonNull(decision, "decision is null");
        requireNonNull(decidedAt, "decidedAt is null");
    }
}

package org.spe.output.release;

/**
 * The states of a release request. {@link ReleaseTransitions} holds every rule about them; nothing
 * else branches on these values.
 */
public enum ReleaseState {
    /** Being put together by its author. */
    DRAFT,
    /** Sent for output checking; waits for a checker to start the review. */
    SUBMITTED,
    /** Output checkers are reviewing it. */
    IN_REVIEW,
    /** Checkers asked for changes; back with the author, who edits and resubmits. */
    RETURNED,
    /** Both reviews approved every file; the package may be downloaded by the author. Final. */
    RELEASED,
    /** A reviewer rejected a file. Final. */
    REJECTED,
    /** The author withdrew it. Final. */
    WITHDRAWN
}

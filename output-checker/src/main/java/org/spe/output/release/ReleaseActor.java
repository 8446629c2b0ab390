package org.spe.output.release;

/** Who moves a release request from one state to the next. */
public enum ReleaseActor {
    /** The researcher who wrote the request. */
    AUTHOR,
    /** An output checker who may review it (never its author; the policy decides). */
    CHECKER,
    /** The platform itself: the outcome once two independent reviews are complete. */
    SYSTEM
}

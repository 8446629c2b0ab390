package org.spe.core.permit;

/** The state of a permit. See {@link PermitTransitions} for the allowed changes. */
public enum PermitState {
    /** In force: named researchers may use its workspaces (within the validity period). */
    ACTIVE,
    /** Paused by the data steward (e.g. during an investigation); workspaces are locked. */
    SUSPENDED,
    /** The validity period ended; workspaces are locked and later wiped. */
    EXPIRED,
    /** Withdrawn by the review body; final. */
    REVOKED
}

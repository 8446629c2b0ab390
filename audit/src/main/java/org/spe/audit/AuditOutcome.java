package org.spe.audit;

/** How an audited action ended. */
public enum AuditOutcome {
    /** The action was allowed and completed. */
    SUCCESS,
    /** The policy refused the action (a denied attempt is an event too). */
    DENIED,
    /** The action was allowed but failed (bad credentials, invalid input, an error). */
    FAILED
}

package org.spe.core.event;

/** How an action ended. Denied and failed attempts are recorded like successes. */
public enum EventOutcome {
    SUCCESS,
    DENIED,
    FAILED
}

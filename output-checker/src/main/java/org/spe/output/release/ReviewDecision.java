package org.spe.output.release;

/** An output checker's decision on one file of a release request. */
public enum ReviewDecision {
    /** The file may be released as it is. */
    APPROVE,
    /** The author must change the file or its justification; the request goes back to them. */
    REQUEST_CHANGES,
    /** The file must not be released; the request is rejected (final). */
    REJECT
}

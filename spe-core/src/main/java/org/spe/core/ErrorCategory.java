package org.spe.core;

/**
 * The category of a {@link SpeException}. Each category knows the HTTP status it maps to, so the
 * one HTTP error handler in spe-server never branches on exception types, and whether a retry
 * could help.
 */
public enum ErrorCategory {
    /** The request is malformed or breaks a validation rule; nothing was changed. */
    INVALID_INPUT(400, false),
    /** The caller is not authenticated or the credentials were wrong. */
    UNAUTHENTICATED(401, false),
    /** The policy denied the action. */
    ACCESS_DENIED(403, false),
    /** The named object does not exist (or the caller may not know it exists). */
    NOT_FOUND(404, false),
    /** The action conflicts with the current state (an illegal transition, a duplicate name). */
    CONFLICT(409, false),
    /** A quota or capacity limit stops the action. */
    LIMIT_EXCEEDED(429, false),
    /** A dependency (database, secret store, compute pool) is unavailable; a retry may help. */
    UNAVAILABLE(503, true),
    /** A bug or an unexpected failure inside the platform. */
    INTERNAL(500, false);

    private final int httpStatus;
    private final boolean retriable;

    ErrorCategory(int httpStatus, boolean retriable) {
        this.httpStatus = httpStatus;
        this.retriable = retriable;
    }

    /** The HTTP status code a handler answers with for this category. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Whether repeating the same request later could succeed. */
    public boolean retriable() {
        return retriable;
    }
}

package org.spe.core;

/**
 * A transient failure: the secret store is sealed, a gateway or the database is unreachable.
 * Repeating the same action later may succeed.
 */
public class RetriableException extends SpeException {
    public RetriableException(String message, Throwable cause) {
        super(ErrorCategory.UNAVAILABLE, message, cause);
    }

    public RetriableException(String message) {
        super(ErrorCategory.UNAVAILABLE, message);
    }
}

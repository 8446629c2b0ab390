package org.spe.core;

/**
 * Thrown by the authorization policy when an action is denied. The message names the reason in
 * words a person can act on ("alice is not named on permit P-2") without revealing data.
 */
public class AccessDeniedException extends SpeException {
    public AccessDeniedException(String reason) {
        super(ErrorCategory.ACCESS_DENIED, "Access denied: " + reason);
    }

    public static AccessDeniedException deny(String format, Object... args) {
        return new AccessDeniedException(String.format(format, args));
    }
}

package org.spe.audit;

import static java.util.Objects.requireNonNull;

/**
 * Who did something: the user ID and the role they acted in, the session, and the network address
 * the request came from. Empty strings mean "none" for {@code sessionId} and "unknown" for
 * {@code sourceAddress}; user ID and role are never blank.
 */
public record AuditActor(String userId, String role, String sessionId, String sourceAddress) {
    /** User ID of the platform itself (schedulers, the sequencer, retention). */
    public static final String SYSTEM_USER = "system";
    /** User ID of a caller that has not authenticated (yet). */
    public static final String ANONYMOUS_USER = "anonymous";

    public AuditActor {
        requireNonNull(userId, "userId is null");
        requireNonNull(role, "role is null");
        requireNonNull(sessionId, "sessionId is null");
        requireNonNull(sourceAddress, "sourceAddress is null");
        if (userId.isBlank()) {
            throw new IllegalArgumentException("userId is blank");
        }
        if (role.isBlank()) {
            throw new IllegalArgumentException("role is blank");
        }
        checkLength("userId", userId);
        checkLength("role", role);
        checkLength("sessionId", sessionId);
        checkLength("sourceAddress", sourceAddress);
    }

    /** The platform acting on its own behalf, with no session, from this host. */
    public static AuditActor system() {
        return new AuditActor(SYSTEM_USER, "SYSTEM", "", "local");
    }

    /** A caller that has not authenticated, from {@code sourceAddress}. */
    public static AuditActor anonymous(String sourceAddress) {
        return new AuditActor(ANONYMOUS_USER, "ANONYMOUS", "", sourceAddress);
    }

    static void checkLength(String name, String value) {
        if (value.length() > 1000) {
            throw new IllegalArgumentException(name + " is longer than 1000 characters");
        }
    }
}

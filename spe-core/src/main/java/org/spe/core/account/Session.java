package org.spe.core.account;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * An authenticated server-side session. The {@code token} is the cookie value, known only to the
 * browser and returned once at login; the store keeps its hash. {@code csrfToken} must accompany
 * every state-changing request.
 */
public record Session(String token, String csrfToken, Caller caller, Instant createdAt, Instant expiresAt) {
    public Session {
        requireNonNull(token, "token is null");
        requireNonNull(csrfToken, "csrfToken is null");
        requireNonNull(caller, "caller is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(expiresAt, "expiresAt is null");
    }

    @Override
    public String toString() {
        return "Session[" + caller.sessionId() + " of " + caller.userId() + "]";
    }
}

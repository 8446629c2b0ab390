package org.spe.core.account;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * Who is asking: an authenticated user in one session, from one address. Every policy decision
 * and every audit event is made for a caller.
 */
public record Caller(String userId, Set<Role> roles, String sessionId, String sourceAddress) {
    public Caller {
        requireNonNull(userId, "userId is null");
        roles = Set.copyOf(requireNonNull(roles, "roles is null"));
        requireNonNull(sessionId, "sessionId is null");
        requireNonNull(sourceAddress, "sourceAddress is null");
    }

    /** The platform itself, for scheduled work (expiry, reconciliation, monitoring). */
    public static Caller system() {
        return new Caller("system", Set.of(), "-", "local");
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /** The roles joined by commas, as recorded in audit events. */
    public String roleNames() {
        return roles.stream().map(Enum::name).sorted().reduce((a, b) -> a + "," + b).orElse("SYSTEM");
    }
}

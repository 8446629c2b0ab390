package org.spe.core.account;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * A person with a unique user ID (EHDS Art. 73(1)(d)). Credentials are kept apart, in the
 * account store, and never travel with this record.
 */
public record User(String id, String displayName, Set<Role> roles, Instant createdAt) {
    public User {
        requireNonNull(id, "id is null");
        requireNonNull(displayName, "displayName is null");
        requireNonNull(createdAt, "createdAt is null");
        if (!id.matches("[a-z][a-z0-9_.-]{1,63}")) {
            throw new IllegalArgumentException("user ID must be 2–64 lower-case letters, digits, '.', '_' or '-', starting with a letter: " + id);
        }
        if (requireNonNull(roles, "roles is null").isEmpty()) {
            throw new IllegalArgumentException("a user needs at least one role");
        }
        roles = Set.copyOf(EnumSet.copyOf(roles));
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }
}

package org.spe.workspace.lifecycle;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A workspace: one isolated analysis environment of one permit, requested by a researcher named
 * on it. All researchers of the permit may use it.
 */
public record Workspace(String id, String permitId, int permitVersion, String ownerId, String name, WorkspaceState state,
        Optional<String> failure, Instant createdAt, Instant stateChangedAt, Instant lastActivityAt) {
    public Workspace {
        requireNonNull(id, "id is null");
        requireNonNull(permitId, "permitId is null");
        requireNonNull(ownerId, "ownerId is null");
        requireNonNull(name, "name is null");
        requireNonNull(state, "state is null");
        requireNonNull(failure, "failure is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(stateChangedAt, "stateChangedAt is null");
        requireNonNull(lastActivityAt, "lastActivityAt is null");
    }
}

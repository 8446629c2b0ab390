package org.spe.core.optout;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A stop-use request (オプトアウト / 利用停止): the common person ID that must be excluded from every
 * extract built after {@code recordedAt}.
 */
public record OptOut(String personId, Instant recordedAt, String recordedBy) {
    public OptOut {
        requireNonNull(personId, "personId is null");
        requireNonNull(recordedAt, "recordedAt is null");
        requireNonNull(recordedBy, "recordedBy is null");
        if (personId.isBlank()) {
            throw new IllegalArgumentException("personId must not be blank");
        }
    }
}

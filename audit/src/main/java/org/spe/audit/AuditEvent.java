package org.spe.audit;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A recorded event: the gap-free {@code sequence} number (1 for the first event; the event is
 * leaf {@code sequence - 1} of the Merkle tree), the UTC time the log recorded it (microsecond
 * precision), the record, and the lower-case hex SHA-256 leaf hash of its canonical form (see
 * docs/audit-log-schema.md).
 */
public record AuditEvent(long sequence, Instant time, AuditRecord record, String leafHash) {
    public AuditEvent {
        requireNonNull(time, "time is null");
        requireNonNull(record, "record is null");
        requireNonNull(leafHash, "leafHash is null");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be at least 1: " + sequence);
        }
        if (!isLowerHex(leafHash, 64)) {
            throw new IllegalArgumentException("leafHash must be 64 lower-case hex digits");
        }
    }

    private static boolean isLowerHex(String text, int length) {
        if (text.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}

package org.spe.audit;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * An alert raised for auditors by a monitoring rule: which rule, about whom or what
 * ({@code subject}, e.g. a user ID or source address), the time window examined, how many events
 * triggered it, the first and last of them, and a message. Alerts are unique per
 * (rule, subject, window start).
 */
public record AuditAlert(String rule, String subject, Instant windowStart, Instant windowEnd, long eventCount,
        long firstSequence, long lastSequence, String message, Instant raisedAt) {
    public AuditAlert {
        requireNonNull(rule, "rule is null");
        requireNonNull(subject, "subject is null");
        requireNonNull(windowStart, "windowStart is null");
        requireNonNull(windowEnd, "windowEnd is null");
        requireNonNull(message, "message is null");
        requireNonNull(raisedAt, "raisedAt is null");
        if (eventCount < 1 || firstSequence < 1 || lastSequence < firstSequence) {
            throw new IllegalArgumentException("an alert needs at least one event and firstSequence <= lastSequence");
        }
    }
}

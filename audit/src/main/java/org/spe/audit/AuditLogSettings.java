package org.spe.audit;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Settings of an audit log, checked at construction.
 *
 * @param retention how long events are kept before {@link AuditLog#purgeExpired} may remove them
 *     (default 365 days)
 * @param treeHeadInterval how often a new tree head is signed while events arrive (default 1 s)
 * @param maxBatch most events committed in one transaction (default 20,000)
 * @param signingKeyName name of the Ed25519 key pair in the secret store
 */
public record AuditLogSettings(Duration retention, Duration treeHeadInterval, int maxBatch, String signingKeyName) {
    public static final String DEFAULT_SIGNING_KEY = "audit/tree-head";

    public AuditLogSettings {
        requireNonNull(retention, "retention is null");
        requireNonNull(treeHeadInterval, "treeHeadInterval is null");
        requireNonNull(signingKeyName, "signingKeyName is null");
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive: " + retention);
        }
        if (treeHeadInterval.toMillis() < 10 || treeHeadInterval.toSeconds() > 60) {
            throw new IllegalArgumentException("treeHeadInterval must be 10 ms .. 60 s: " + treeHeadInterval);
        }
        if (maxBatch < 1 || maxBatch > 100_000) {
            throw new IllegalArgumentException("maxBatch must be 1..100000: " + maxBatch);
        }
    }

    public static AuditLogSettings defaults() {
        return new AuditLogSettings(Duration.ofDays(365), Duration.ofSeconds(1), 20_000, DEFAULT_SIGNING_KEY);
    }

    public AuditLogSettings withRetention(Duration retention) {
        return new AuditLogSettings(retention, treeHeadInterval, maxBatch, signingKeyName);
    }

    public AuditLogSettings withTreeHeadInterval(Duration interval) {
        return new AuditLogSettings(retention, interval, maxBatch, signingKeyName);
    }
}

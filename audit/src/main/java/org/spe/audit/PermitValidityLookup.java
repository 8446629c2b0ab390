package org.spe.audit;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * Tells the monitor when a permit is valid, so it can flag access outside that period. spe-core's
 * permit registry implements it; {@link #none()} knows no permits (then only the
 * {@code outsidePermitValidity} detail flag set by other modules raises that alert).
 * Implementations are thread-safe and may block on the database.
 */
public interface PermitValidityLookup {
    /** A validity period: from {@code validFrom} (inclusive) until {@code validUntil} (exclusive). */
    record Validity(Instant validFrom, Instant validUntil) {
        public Validity {
            requireNonNull(validFrom, "validFrom is null");
            requireNonNull(validUntil, "validUntil is null");
            if (!validFrom.isBefore(validUntil)) {
                throw new IllegalArgumentException("validFrom must be before validUntil");
            }
        }

        public boolean contains(Instant time) {
            return !time.isBefore(validFrom) && time.isBefore(validUntil);
        }
    }

    /** The validity of {@code permitId}, or empty if the permit is unknown. */
    Optional<Validity> validity(String permitId);

    /** A lookup that knows no permits. */
    static PermitValidityLookup none() {
        return permitId -> Optional.empty();
    }
}

package org.spe.audit;

import static java.util.Objects.requireNonNull;

import java.util.OptionalLong;

/**
 * The outcome of recomputing every hash and signature of a log or bundle. Intact when
 * {@code firstBadSequence} is empty; otherwise it names the first sequence number that could not
 * be proven (see docs/audit-log-schema.md for how each kind of alteration is reported) and
 * {@code message} says why. {@code eventCount} counts the events read; {@code signedSize} is the
 * size of the largest tree head whose signature and root were verified.
 */
public record VerificationResult(long eventCount, long signedSize, OptionalLong firstBadSequence, String message) {
    public VerificationResult {
        requireNonNull(firstBadSequence, "firstBadSequence is null");
        requireNonNull(message, "message is null");
    }

    public boolean intact() {
        return firstBadSequence.isEmpty();
    }

    /** The line the CLI prints: {@code OK <n> events} or {@code FAILED at sequence <s>: <why>}. */
    public String summary() {
        if (intact()) {
            return "OK " + eventCount + " events";
        }
        return "FAILED at sequence " + firstBadSequence.getAsLong() + ": " + message;
    }
}

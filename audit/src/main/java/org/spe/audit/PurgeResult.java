package org.spe.audit;

/**
 * What a retention purge removed: events with sequence numbers up to {@code purgedThrough} are
 * gone (their leaf hashes are kept), {@code eventCount} of them in this run.
 */
public record PurgeResult(long purgedThrough, long eventCount) {
    public PurgeResult {
        if (purgedThrough < 0 || eventCount < 0) {
            throw new IllegalArgumentException("negative purge figures");
        }
    }
}

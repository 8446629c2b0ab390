package org.spe.workspace.sql;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Caps on one SQL execution.
 *
 * @param maxRows the most rows returned (at least 1); more rows set {@link SqlResult#truncated()}
 * @param maxBytes the most bytes of values returned, estimated as UTF-8 text (at least 1); a row
 *     that would cross it is left out and sets {@link SqlResult#truncated()}
 * @param timeout how long the query may run before its Spark jobs are cancelled (positive)
 */
public record SqlLimits(int maxRows, long maxBytes, Duration timeout) {
    public SqlLimits {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be at least 1: " + maxRows);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1: " + maxBytes);
        }
        requireNonNull(timeout, "timeout is null");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    /** 100,000 rows, 64 MiB, 10 minutes. */
    public static SqlLimits defaults() {
        return new SqlLimits(100_000, 64L << 20, Duration.ofMinutes(10));
    }

    /**
     * 1,000,000 rows, 256 MiB, 10 minutes: the caps of {@code spe.sql} in a notebook, whose rows
     * stay inside the workspace (they travel as compact CSV over the control socket).
     */
    public static SqlLimits notebookHelper() {
        return new SqlLimits(1_000_000, 256L << 20, Duration.ofMinutes(10));
    }

    /** These limits with {@code maxRows} lowered to {@code rows} when that is smaller (and at least 1). */
    public SqlLimits withAtMostRows(int rows) {
        return new SqlLimits(Math.max(1, Math.min(rows, maxRows)), maxBytes, timeout);
    }
}

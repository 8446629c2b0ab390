package org.spe.output.sdc;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.OptionalDouble;

/**
 * The automatic verdict on one cell.
 *
 * @param key the cell's position
 * @param value the cell's statistic (empty where undefined)
 * @param persons distinct persons behind the cell
 * @param breaches the rules the cell breaks, with their numbers; empty when it passes
 * @param status the worst status among the breaches, PASS when there are none
 */
public record CellResult(CellKey key, OptionalDouble value, long persons, List<RuleBreach> breaches, CheckStatus status) {
    public CellResult {
        requireNonNull(key, "key is null");
        requireNonNull(value, "value is null");
        breaches = List.copyOf(requireNonNull(breaches, "breaches is null"));
        requireNonNull(status, "status is null");
        if (persons < 0) {
            throw new IllegalArgumentException("persons must not be negative");
        }
        CheckStatus worst = breaches.stream().map(RuleBreach::status).reduce(CheckStatus.PASS, CheckStatus::worst);
        if (worst != status) {
            throw new IllegalArgumentException("status " + status + " does not match breaches (" + worst + ")");
        }
    }

    /** A result whose status is derived from its breaches. */
    public static CellResult of(CellKey key, OptionalDouble value, long persons, List<RuleBreach> breaches) {
        CheckStatus status = breaches.stream().map(RuleBreach::status).reduce(CheckStatus.PASS, CheckStatus::worst);
        return new CellResult(key, value, persons, breaches, status);
    }
}

package org.spe.output.sdc;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The risk evidence of one table cell, computed on the true underlying microdata: everything the
 * rules need and everything needed to compute the cell's statistic. Build it with an
 * {@link EvidenceAccumulator}, which is mergeable across partitions.
 *
 * @param rows rows (records) that fell into the cell
 * @param persons distinct persons among those rows
 * @param topContributions the largest per-person contributions, descending, at most
 *     {@link #TOP_CONTRIBUTIONS}; a person's contribution is the sum of their values in the cell,
 *     so one person with many rows counts once. Empty for count tables.
 * @param facilities distinct facilities, when the table has a facility column
 * @param valueCount rows with a (non-missing) value
 * @param missing rows whose value is missing
 * @param negatives rows whose value is negative
 * @param sum sum of the values
 * @param sumOfSquaredDeviations Σ(x − mean)² over the values, for the standard deviation
 * @param minimum the smallest value, when there is one
 * @param maximum the largest value, when there is one
 * @param median the median of the values, when it was asked for and there are values
 */
public record CellEvidence(
        long rows,
        long persons,
        List<Double> topContributions,
        OptionalLong facilities,
        long valueCount,
        long missing,
        long negatives,
        double sum,
        double sumOfSquaredDeviations,
        OptionalDouble minimum,
        OptionalDouble maximum,
        OptionalDouble median) {
    /** How many of the largest per-person contributions evidence keeps. */
    public static final int TOP_CONTRIBUTIONS = 10;

    public CellEvidence {
        topContributions = List.copyOf(requireNonNull(topContributions, "topContributions is null"));
        requireNonNull(facilities, "facilities is null");
        requireNonNull(minimum, "minimum is null");
        requireNonNull(maximum, "maximum is null");
        requireNonNull(median, "median is null");
        if (rows < 0 || persons < 0 || valueCount < 0 || missing < 0 || negatives < 0) {
            throw new IllegalArgumentException("counts must not be negative");
        }
        if (persons > rows) {
            throw new IllegalArgumentException("persons " + persons + " exceed rows " + rows);
        }
        if (valueCount + missing > rows || negatives > valueCount) {
            throw new IllegalArgumentException("value counts exceed rows");
        }
        if (topContributions.size() > TOP_CONTRIBUTIONS || topContributions.size() > persons) {
            throw new IllegalArgumentException("too many top contributions: " + topContributions.size());
        }
        for (int i = 1; i < topContributions.size(); i++) {
            if (topContributions.get(i) > topContributions.get(i - 1)) {
                throw new IllegalArgumentException("topContributions must be descending");
            }
        }
        if (!Double.isFinite(sum) || !Double.isFinite(sumOfSquaredDeviations)) {
            throw new IllegalArgumentException("sum overflows");
        }
        facilities.ifPresent(f -> {
            if (f < 0) {
                throw new IllegalArgumentException("facilities must not be negative");
            }
        });
    }

    /** Evidence of a cell no row fell into. */
    public static CellEvidence empty(boolean withFacilities) {
        return new CellEvidence(0, 0, List.of(), withFacilities ? OptionalLong.of(0) : OptionalLong.empty(),
                0, 0, 0, 0, 0, OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty());
    }

    /** The largest per-person contribution, 0 when there is none. */
    public double largest() {
        return topContributions.isEmpty() ? 0 : topContributions.get(0);
    }

    /** The second-largest per-person contribution, 0 when there is none. */
    public double secondLargest() {
        return topContributions.size() < 2 ? 0 : topContributions.get(1);
    }

    /** The sum of the n largest per-person contributions. */
    public double largestSum(int n) {
        return topContributions.stream().limit(n).mapToDouble(Double::doubleValue).sum();
    }

    /** The cell's statistic; empty where it is undefined (the mean of no values). */
    public OptionalDouble statistic(Aggregation aggregation) {
        return switch (aggregation) {
            case COUNT -> OptionalDouble.of(persons);
            case SUM -> OptionalDouble.of(sum);
            case MEAN -> valueCount == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / valueCount);
            case MEDIAN -> median;
            case STD -> valueCount < 2
                    ? OptionalDouble.empty()
                    : OptionalDouble.of(Math.sqrt(sumOfSquaredDeviations / (valueCount - 1)));
            case MIN -> minimum;
            case MAX -> maximum;
        };
    }
}

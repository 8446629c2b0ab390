package org.spe.output.sdc;

/**
 * The values a hidden cell can take given everything released; bounds may be infinite.
 *
 * @param lower the smallest feasible value
 * @param upper the largest feasible value
 */
public record Interval(double lower, double upper) {
    public Interval {
        if (Double.isNaN(lower) || Double.isNaN(upper) || lower > upper) {
            throw new IllegalArgumentException("not an interval: [" + lower + ", " + upper + "]");
        }
    }

    /** upper − lower; infinite when a bound is. */
    public double width() {
        return upper - lower;
    }
}

package org.spe.workspace.tables;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Everything one person contributed to one cell: complete, because it comes from a group by
 * (cell, person) over all rows, or from merging all such groups of the person for a margin. Not
 * thread-safe.
 */
final class PersonContribution implements Serializable {
    private static final long serialVersionUID = 1L;

    long rows;
    long valueCount;
    long negatives;
    double sum;
    double mean;
    double m2;
    double minimum = Double.POSITIVE_INFINITY;
    double maximum = Double.NEGATIVE_INFINITY;
    double[] values;

    /** Adds the other contribution of the same person (parallel variance, Chan et al.). */
    void merge(PersonContribution other) {
        rows += other.rows;
        if (other.valueCount > 0) {
            long n = valueCount + other.valueCount;
            double delta = other.mean - mean;
            m2 = m2 + other.m2 + delta * delta * valueCount * other.valueCount / n;
            mean = mean + delta * other.valueCount / n;
            valueCount = n;
        }
        negatives += other.negatives;
        sum += other.sum;
        minimum = Math.min(minimum, other.minimum);
        maximum = Math.max(maximum, other.maximum);
        if (other.values != null) {
            if (values == null) {
                values = other.values.clone();
            } else {
                double[] joined = Arrays.copyOf(values, values.length + other.values.length);
                System.arraycopy(other.values, 0, joined, values.length, other.values.length);
                values = joined;
            }
        }
    }
}

package org.spe.workspace.tables;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.spe.output.sdc.CellEvidence;

/**
 * The evidence of one cell from the complete contributions of some of its persons (facilities are
 * counted apart, see {@link SparkTableFunction}). Partials of
 * disjoint person sets merge exactly: the table function partitions per-person rows by person, so
 * the partials of different Spark partitions never share a person. Not thread-safe.
 */
final class CellPartial implements Serializable {
    private static final long serialVersionUID = 1L;

    private final boolean keepValues;
    private final boolean hasValue;
    private long rows;
    private long persons;
    private long valueCount;
    private long negatives;
    private double sum;
    private double mean;
    private double m2;
    private double minimum = Double.POSITIVE_INFINITY;
    private double maximum = Double.NEGATIVE_INFINITY;
    private final double[] top = new double[CellEvidence.TOP_CONTRIBUTIONS];
    private int topSize;
    private double[] values = new double[0];
    private int valuesSize;

    CellPartial(boolean keepValues, boolean hasValue) {
        this.keepValues = keepValues;
        this.hasValue = hasValue;
    }

    /** Adds one person's complete contribution to this cell. */
    void addPerson(PersonContribution person) {
        persons++;
        rows += person.rows;
        if (person.valueCount > 0) {
            // a person with values has a contribution (their sum), as in EvidenceAccumulator
            insertTop(person.sum);
            combine(person.valueCount, person.mean, person.m2);
            negatives += person.negatives;
            sum += person.sum;
            minimum = Math.min(minimum, person.minimum);
            maximum = Math.max(maximum, person.maximum);
        }
        if (keepValues && person.values != null) {
            appendValues(person.values, person.values.length);
        }
    }

    /** Adds a partial of other persons. */
    void merge(CellPartial other) {
        persons += other.persons;
        rows += other.rows;
        if (other.valueCount > 0) {
            combine(other.valueCount, other.mean, other.m2);
        }
        negatives += other.negatives;
        sum += other.sum;
        minimum = Math.min(minimum, other.minimum);
        maximum = Math.max(maximum, other.maximum);
        for (int i = 0; i < other.topSize; i++) {
            insertTop(other.top[i]);
        }
        appendValues(other.values, other.valuesSize);
    }

    private void combine(long otherCount, double otherMean, double otherM2) {
        long n = valueCount + otherCount;
        double delta = otherMean - mean;
        m2 = m2 + otherM2 + delta * delta * valueCount * otherCount / n;
        mean = mean + delta * otherCount / n;
        valueCount = n;
    }

    private void appendValues(double[] more, int count) {
        if (count == 0) {
            return;
        }
        if (valuesSize + count > values.length) {
            values = Arrays.copyOf(values, Math.max(valuesSize + count, values.length * 2));
        }
        System.arraycopy(more, 0, values, valuesSize, count);
        valuesSize += count;
    }

    private void insertTop(double value) {
        int n = topSize;
        if (n == top.length && value <= top[n - 1]) {
            return;
        }
        int i = n == top.length ? n - 1 : n;
        while (i > 0 && top[i - 1] < value) {
            top[i] = top[i - 1];
            i--;
        }
        top[i] = value;
        if (n < top.length) {
            topSize = n + 1;
        }
    }

    /**
     * The cell's evidence.
     *
     * @throws IllegalArgumentException if the sum overflows
     */
    CellEvidence toEvidence() {
        List<Double> topList = new ArrayList<>(topSize);
        for (int i = 0; i < topSize; i++) {
            topList.add(top[i]);
        }
        boolean any = valueCount > 0;
        OptionalDouble median = OptionalDouble.empty();
        if (keepValues && valuesSize > 0) {
            double[] sorted = Arrays.copyOf(values, valuesSize);
            Arrays.sort(sorted);
            int middle = valuesSize / 2;
            median = OptionalDouble.of(valuesSize % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2);
        }
        return new CellEvidence(
                rows,
                persons,
                topList,
                OptionalLong.empty(),
                valueCount,
                hasValue ? rows - valueCount : 0,
                negatives,
                sum,
                Math.max(0, m2),
                any ? OptionalDouble.of(minimum) : OptionalDouble.empty(),
                any ? OptionalDouble.of(maximum) : OptionalDouble.empty(),
                median);
    }
}

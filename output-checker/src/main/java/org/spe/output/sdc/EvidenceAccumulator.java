package org.spe.output.sdc;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.roaringbitmap.RoaringBitmap;

/**
 * Builds the {@link CellEvidence} of one cell from rows, and merges with the accumulator of the
 * same cell from another partition: persons, facilities and per-person sums are kept exactly (a
 * person whose rows are split across partitions still counts once and their contributions are
 * added), so {@code a.merge(b).toEvidence()} equals the evidence of all rows. Persons and
 * facilities are non-negative ints from dictionaries kept inside the platform.
 *
 * <p>Not thread-safe: one accumulator per thread or partition, then merge. Serializable so a
 * Spark job can ship partial accumulators.
 */
public final class EvidenceAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final boolean trackFacilities;
    private final boolean keepValues;
    private long rows;
    private long valueCount;
    private long missing;
    private long negatives;
    private double sum;
    private double mean;
    private double m2;
    private double minimum = Double.POSITIVE_INFINITY;
    private double maximum = Double.NEGATIVE_INFINITY;
    private final RoaringBitmap persons = new RoaringBitmap();
    // facilities are small dense dictionary ints: a BitSet sets a bit in constant time
    private final BitSet facilities = new BitSet();
    // Per-person sums live in two places with disjoint keys: `appended*` holds persons whose sum was
    // complete when first recorded (a person's first run of rows in the cell, or a merge with a
    // disjoint accumulator) and costs no hashing; `contributions` holds the rest. A person seen
    // again moves everything appended into the map first, so each entry is hashed at most once.
    private final IntDoubleMap contributions = new IntDoubleMap();
    private int[] appendedPersons = new int[0];
    private double[] appendedSums = new double[0];
    private int appendedSize;
    private boolean pendingNew;
    private double[] values = new double[0];
    private int valuesSize;
    // Rows of one person often come together: remember the last person and their running sum,
    // and touch the bitmap and the map only when the person changes.
    private int lastPerson = -1;
    private boolean hasLastPerson;
    private double pendingContribution;
    private boolean pending;

    /**
     * @param trackFacilities whether rows carry a facility and evidence counts distinct facilities
     * @param keepValues whether to keep every value, which the median needs
     */
    public EvidenceAccumulator(boolean trackFacilities, boolean keepValues) {
        this.trackFacilities = trackFacilities;
        this.keepValues = keepValues;
    }

    /** Adds a row without a value (count tables), of that person and facility (ignored if untracked). */
    public void addRow(int person, int facility) {
        if (trackFacilities && facility < 0) {
            throw new IllegalArgumentException("facility must not be negative: " + facility);
        }
        rows++;
        if (!hasLastPerson || person != lastPerson) {
            flush();
            pendingNew = persons.checkedAdd(person);
            lastPerson = person;
            hasLastPerson = true;
        }
        if (trackFacilities) {
            facilities.set(facility);
        }
    }

    /** Adds a row whose value is missing. */
    public void addMissing(int person, int facility) {
        addRow(person, facility);
        missing++;
    }

    /**
     * Adds a row with a value.
     *
     * @throws IllegalArgumentException if the value is not finite
     */
    public void addValue(int person, int facility, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("value is not finite");
        }
        addRow(person, facility);
        valueCount++;
        if (value < 0) {
            negatives++;
        }
        sum += value;
        double delta = value - mean;
        mean += delta / valueCount;
        m2 += delta * (value - mean);
        minimum = Math.min(minimum, value);
        maximum = Math.max(maximum, value);
        pendingContribution += value;
        pending = true;
        if (keepValues) {
            if (valuesSize == values.length) {
                values = Arrays.copyOf(values, Math.max(16, valuesSize * 2));
            }
            values[valuesSize++] = value;
        }
    }

    /** Adds everything the other accumulator saw; the other is left unchanged. Returns this. */
    public EvidenceAccumulator merge(EvidenceAccumulator other) {
        if (other.trackFacilities != trackFacilities || other.keepValues != keepValues) {
            throw new IllegalArgumentException("cannot merge accumulators built with different settings");
        }
        flush();
        other.flush();
        if (other.valueCount > 0) {
            long n = valueCount + other.valueCount;
            double delta = other.mean - mean;
            m2 = m2 + other.m2 + delta * delta * valueCount * other.valueCount / n;
            mean = mean + delta * other.valueCount / n;
        }
        rows += other.rows;
        valueCount += other.valueCount;
        missing += other.missing;
        negatives += other.negatives;
        sum += other.sum;
        minimum = Math.min(minimum, other.minimum);
        maximum = Math.max(maximum, other.maximum);
        if (!RoaringBitmap.intersects(persons, other.persons)) {
            // no person in common: the other's sums are complete and can be appended unhashed
            other.contributions.forEach(this::append);
            for (int i = 0; i < other.appendedSize; i++) {
                append(other.appendedPersons[i], other.appendedSums[i]);
            }
        } else {
            foldAppended();
            contributions.ensureCapacity(contributions.size() + other.contributions.size() + other.appendedSize);
            other.contributions.forEach(contributions::add);
            for (int i = 0; i < other.appendedSize; i++) {
                contributions.add(other.appendedPersons[i], other.appendedSums[i]);
            }
        }
        persons.or(other.persons);
        facilities.or(other.facilities);
        if (keepValues) {
            values = Arrays.copyOf(values, valuesSize + other.valuesSize);
            System.arraycopy(other.values, 0, values, valuesSize, other.valuesSize);
            valuesSize += other.valuesSize;
        }
        return this;
    }

    private void flush() {
        if (pending) {
            if (pendingNew) {
                append(lastPerson, pendingContribution);
            } else {
                foldAppended();
                contributions.add(lastPerson, pendingContribution);
            }
            pendingContribution = 0;
            pending = false;
        }
        hasLastPerson = false;
    }

    private void append(int person, double sum) {
        if (appendedSize == appendedPersons.length) {
            int capacity = Math.max(16, appendedSize * 2);
            appendedPersons = Arrays.copyOf(appendedPersons, capacity);
            appendedSums = Arrays.copyOf(appendedSums, capacity);
        }
        appendedPersons[appendedSize] = person;
        appendedSums[appendedSize] = sum;
        appendedSize++;
    }

    private void foldAppended() {
        if (appendedSize > 0) {
            contributions.ensureCapacity(contributions.size() + appendedSize);
            for (int i = 0; i < appendedSize; i++) {
                contributions.add(appendedPersons[i], appendedSums[i]);
            }
            appendedSize = 0;
        }
    }

    /** A copy of the persons seen, for differencing checks. */
    public RoaringBitmap persons() {
        return persons.clone();
    }

    /** The evidence of the rows seen so far. */
    public CellEvidence toEvidence() {
        flush();
        double[] top = new double[CellEvidence.TOP_CONTRIBUTIONS];
        int[] size = {0};
        contributions.forEach((person, total) -> insertTop(top, size, total));
        for (int i = 0; i < appendedSize; i++) {
            insertTop(top, size, appendedSums[i]);
        }
        List<Double> topList = new ArrayList<>(size[0]);
        for (int i = 0; i < size[0]; i++) {
            topList.add(top[i]);
        }
        boolean any = valueCount > 0;
        return new CellEvidence(
                rows,
                persons.getLongCardinality(),
                topList,
                trackFacilities ? OptionalLong.of(facilities.cardinality()) : OptionalLong.empty(),
                valueCount,
                missing,
                negatives,
                sum,
                Math.max(0, m2),
                any ? OptionalDouble.of(minimum) : OptionalDouble.empty(),
                any ? OptionalDouble.of(maximum) : OptionalDouble.empty(),
                keepValues && any ? OptionalDouble.of(median()) : OptionalDouble.empty());
    }

    private double median() {
        double[] sorted = Arrays.copyOf(values, valuesSize);
        Arrays.sort(sorted);
        int middle = valuesSize / 2;
        return valuesSize % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static void insertTop(double[] top, int[] size, double value) {
        int n = size[0];
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
            size[0] = n + 1;
        }
    }
}

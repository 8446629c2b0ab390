package org.spe.output.sdc;

import java.util.Arrays;
import java.util.Optional;

/** The statistic a table cell shows. {@link #id()} is the name used in specs and reports. */
public enum Aggregation {
    /** Distinct persons in the cell (rows when each row is one person). */
    COUNT("count"),
    SUM("sum"),
    MEAN("mean"),
    MEDIAN("median"),
    /** Sample standard deviation (n − 1 in the denominator). */
    STD("std"),
    MIN("min"),
    MAX("max");

    private final String id;

    Aggregation(String id) {
        this.id = id;
    }

    /** The lower-case name used in specs and reports. */
    public String id() {
        return id;
    }

    /** Whether the statistic summarises a value column (everything but {@link #COUNT}). */
    public boolean magnitude() {
        return this != COUNT;
    }

    /** Whether released cells add up to their margins, so suppressed cells can be recomputed. */
    public boolean additive() {
        return switch (this) {
            case COUNT, SUM -> true;
            case MEAN, MEDIAN, STD, MIN, MAX -> false;
        };
    }

    /** The aggregation with that id, if any. */
    public static Optional<Aggregation> fromId(String id) {
        return Arrays.stream(values()).filter(a -> a.id.equals(id)).findFirst();
    }
}

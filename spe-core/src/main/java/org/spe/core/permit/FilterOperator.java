package org.spe.core.permit;

/** Comparison of a row filter. */
public enum FilterOperator {
    /** The column's value is one of the values. */
    IN,
    /** The column's value is between the two values, both inclusive. */
    BETWEEN
}

package org.spe.core.catalog;

/** The storage type of a column in the lake. */
public enum ColumnType {
    STRING,
    INTEGER,
    LONG,
    DOUBLE,
    DATE
}

package org.spe.workspace.sql;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The rows of one query, ready to be written as JSON.
 *
 * <p>Values are {@code null}, {@link Boolean}, {@link Integer}, {@link Long}, {@link Double},
 * {@link java.math.BigDecimal} or {@link String}: bytes and shorts become {@code Integer}, floats
 * {@code Double}, dates ISO {@code 2024-04-01}, timestamps ISO instants in UTC, binary base64, and
 * arrays, maps and structs their Spark text form. {@link ArrowEncoding} writes the same values as
 * an Arrow IPC stream.
 *
 * @param columns the columns, in order
 * @param rows the rows, each with one value per column (an unmodifiable copy; values may be null)
 * @param truncated whether rows were left out because of {@link SqlLimits}
 */
public record SqlResult(List<SqlColumn> columns, List<List<Object>> rows, boolean truncated) {
    public SqlResult {
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        requireNonNull(rows, "rows is null");
        List<List<Object>> copy = new ArrayList<>(rows.size());
        for (List<Object> row : rows) {
            requireNonNull(row, "row is null");
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException(
                        "a row has " + row.size() + " values for " + columns.size() + " columns");
            }
            // List.copyOf rejects nulls, which are SQL NULLs here.
            copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
        }
        rows = Collections.unmodifiableList(copy);
    }
}

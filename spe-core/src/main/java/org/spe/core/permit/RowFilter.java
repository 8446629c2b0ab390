package org.spe.core.permit;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A row filter of a permitted dataset, for example the service period
 * ({@code service_month BETWEEN 2022-04 AND 2024-03}) or prefectures ({@code prefecture IN 13, 14}).
 * Values are strings in the column's canonical form (ISO dates for dates).
 */
public record RowFilter(String column, FilterOperator operator, List<String> values) {
    public RowFilter {
        requireNonNull(column, "column is null");
        requireNonNull(operator, "operator is null");
        values = List.copyOf(requireNonNull(values, "values is null"));
        switch (operator) {
            case IN -> {
                if (values.isEmpty()) {
                    throw new IllegalArgumentException("filter on " + column + ": IN needs at least one value");
                }
            }
            case BETWEEN -> {
                if (values.size() != 2) {
                    throw new IllegalArgumentException("filter on " + column + ": BETWEEN needs exactly two values, got " + values.size());
                }
            }
        }
    }
}

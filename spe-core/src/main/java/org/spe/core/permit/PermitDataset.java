package org.spe.core.permit;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;

/** One dataset granted by a permit: the permitted columns and the row filters. */
public record PermitDataset(String datasetId, List<String> columns, List<RowFilter> rowFilters) {
    public PermitDataset {
        requireNonNull(datasetId, "datasetId is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        rowFilters = List.copyOf(requireNonNull(rowFilters, "rowFilters is null"));
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("dataset " + datasetId + ": at least one column must be permitted");
        }
        if (new HashSet<>(columns).size() != columns.size()) {
            throw new IllegalArgumentException("dataset " + datasetId + ": a column is listed twice");
        }
    }
}

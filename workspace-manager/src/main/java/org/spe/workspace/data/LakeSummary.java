package org.spe.workspace.data;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link SyntheticLake#generate} wrote.
 *
 * @param patients the number of persons generated
 * @param seed the seed the lake is a function of
 * @param root the lake root
 * @param rowsPerDataset rows written per dataset id, in catalog order
 */
public record LakeSummary(long patients, long seed, Path root, Map<String, Long> rowsPerDataset) {
    public LakeSummary {
        requireNonNull(root, "root is null");
        rowsPerDataset = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(rowsPerDataset, "rowsPerDataset is null")));
        if (patients < 1) {
            throw new IllegalArgumentException("patients must be at least 1: " + patients);
        }
    }

    /** Rows over all datasets. */
    public long totalRows() {
        return rowsPerDataset.values().stream().mapToLong(Long::longValue).sum();
    }
}

package org.spe.workspace.data;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.spe.core.permit.DataLevel;

/**
 * The provenance of a finished extract, the same facts as its {@code extract.json}; what the
 * platform writes to the audit log.
 *
 * @param directory the read-only extract directory
 * @param lakeSnapshotId SHA-256 over the names, sizes and modification times of the lake files read
 * @param optedOutPersonsExcluded distinct opted-out persons removed over all datasets
 * @param kAnonymity the smallest k over the datasets that have one (ANONYMISED only)
 * @param contentHash SHA-256 over the extract's data files (names and bytes), see {@link ExtractBuilder#contentHash(Path)}
 */
public record ExtractResult(
        String permitId,
        int permitVersion,
        DataLevel level,
        Path directory,
        String lakeSnapshotId,
        Instant builtAt,
        List<ExtractedDataset> datasets,
        long optedOutPersonsExcluded,
        Optional<Long> kAnonymity,
        String contentHash) {
    public ExtractResult {
        requireNonNull(permitId, "permitId is null");
        requireNonNull(level, "level is null");
        requireNonNull(directory, "directory is null");
        requireNonNull(lakeSnapshotId, "lakeSnapshotId is null");
        requireNonNull(builtAt, "builtAt is null");
        datasets = List.copyOf(requireNonNull(datasets, "datasets is null"));
        requireNonNull(kAnonymity, "kAnonymity is null");
        requireNonNull(contentHash, "contentHash is null");
        if (permitVersion < 1) {
            throw new IllegalArgumentException("permitVersion must be at least 1");
        }
        if (optedOutPersonsExcluded < 0) {
            throw new IllegalArgumentException("optedOutPersonsExcluded must not be negative");
        }
    }

    /** The provenance of one dataset. */
    public Optional<ExtractedDataset> dataset(String datasetId) {
        return datasets.stream().filter(d -> d.datasetId().equals(datasetId)).findFirst();
    }
}

package org.spe.workspace.data;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * Provenance of one dataset in an extract.
 *
 * @param datasetId the catalog dataset, also the folder and view name in the extract
 * @param columns the columns written, in order
 * @param rows rows written
 * @param persons distinct persons in the rows written
 * @param optedOutPersonsExcluded persons of the permitted rows removed because they opted out
 * @param suppressedRows rows removed to reach k (ANONYMISED with suppression only; else 0)
 * @param kAnonymity the smallest quasi-identifier group, in persons (ANONYMISED datasets with quasi-identifiers and rows only)
 * @param linkGroup the pseudonym space of the dataset (PSEUDONYMISED datasets with a person ID only)
 */
public record ExtractedDataset(
        String datasetId,
        List<String> columns,
        long rows,
        long persons,
        long optedOutPersonsExcluded,
        long suppressedRows,
        Optional<Long> kAnonymity,
        Optional<String> linkGroup) {
    public ExtractedDataset {
        requireNonNull(datasetId, "datasetId is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        requireNonNull(kAnonymity, "kAnonymity is null");
        requireNonNull(linkGroup, "linkGroup is null");
        if (rows < 0 || persons < 0 || optedOutPersonsExcluded < 0 || suppressedRows < 0) {
            throw new IllegalArgumentException("counts must not be negative");
        }
    }
}

package org.spe.output.release;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import org.spe.output.sdc.CheckStatus;

/**
 * A file of a release request, as snapshotted when it was added (later changes in the workspace's
 * {@code outputs/} do not change it).
 *
 * @param id the file's id, stable while the file is replaced under the same path
 * @param relativePath its path under {@code outputs/}
 * @param description the researcher's description
 * @param kind how it is checked and released
 * @param tableSpec the table spec of a {@link OutputKind#MICRODATA_TABLE} or (as the table function made it) a
 *     {@link OutputKind#PLATFORM_TABLE}
 * @param sha256 hex SHA-256 of the snapshot taken from {@code outputs/}
 * @param sizeBytes the snapshot's size
 * @param releasedSha256 hex SHA-256 of what the package holds for this file (the snapshot itself,
 *     or for a microdata table the generated table CSV)
 * @param sdcStatus the automatic verdict
 * @param sdcReport the automatic check as JSON. In the checkers' view the full report
 *     ({@code docs/sdc-report.md}, plus {@code breaches} for output-level rules: true values, persons,
 *     rule numbers); in the author's view only the releasable record (labels, statuses and rule ids,
 *     no values or numbers). Labels a spreadsheet would run as formulas are shown with a leading {@code '}
 * @param justification the author's case for an exception; required before submit unless PASS
 * @param addedAt when the snapshot was taken
 */
public record ReleaseFile(
        String id,
        String relativePath,
        String description,
        OutputKind kind,
        Optional<TableSpec> tableSpec,
        String sha256,
        long sizeBytes,
        String releasedSha256,
        CheckStatus sdcStatus,
        String sdcReport,
        Optional<String> justification,
        Instant addedAt) {
    public ReleaseFile {
        requireNonNull(id, "id is null");
        requireNonNull(relativePath, "relativePath is null");
        requireNonNull(description, "description is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(tableSpec, "tableSpec is null");
        requireNonNull(sha256, "sha256 is null");
        requireNonNull(releasedSha256, "releasedSha256 is null");
        requireNonNull(sdcStatus, "sdcStatus is null");
        requireNonNull(sdcReport, "sdcReport is null");
        requireNonNull(justification, "justification is null");
        requireNonNull(addedAt, "addedAt is null");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes must not be negative");
        }
        if (tableSpec.isPresent() != (kind == OutputKind.MICRODATA_TABLE || kind == OutputKind.PLATFORM_TABLE)) {
            throw new IllegalArgumentException("a table spec belongs exactly to a MICRODATA_TABLE or a PLATFORM_TABLE");
        }
    }

    /** Whether the author must justify an exception before submitting (anything but PASS). */
    public boolean needsJustification() {
        return switch (sdcStatus) {
            case PASS -> false;
            case REVIEW, FAIL -> true;
        };
    }
}

package org.spe.output.release;

/**
 * How a file in a release request is checked automatically and what leaves in the package.
 * The service picks the kind: a {@code .csv} file the platform's table function wrote, unchanged
 * (its SHA-256 matches stored {@link TableEvidence}), is {@link #PLATFORM_TABLE}; a {@code .csv}
 * file with a {@link TableSpec} is {@link #MICRODATA_TABLE}, a {@code .csv} without one is
 * {@link #AGGREGATE_TABLE}, anything else is {@link #FREE_FORM}.
 */
public enum OutputKind {
    /**
     * A microdata CSV with a table spec: the table is built and checked cell by cell on the true
     * data (CsvTableBuilder and TableChecker, mitigated when the spec asks). Only the table leaves,
     * as a long-format CSV of the (released) cells; the microdata never does.
     */
    MICRODATA_TABLE,
    /**
     * A CSV the researcher aggregated already: the engine cannot see the persons behind its cells,
     * so it is checked for record-level data (RecordLevelDetector) and otherwise needs human review
     * like free-form output. It leaves as it is.
     */
    AGGREGATE_TABLE,
    /** Anything else (text, figures): always needs human review. It leaves as it is. */
    FREE_FORM,
    /**
     * A table made inside the workspace by the platform's table function (spe.table): its per-cell
     * evidence was computed on the true data in the same Spark job and kept inside the platform
     * ({@link TableEvidenceStore}); the table is checked cell by cell from that evidence under the
     * permit's profile, and compared with the tables already released from the same permit
     * (differencing). It leaves as the table CSV regenerated from the evidence (mitigated when asked).
     */
    PLATFORM_TABLE
}

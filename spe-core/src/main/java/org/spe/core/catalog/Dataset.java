package org.spe.core.catalog;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * A dataset registered in the catalog: one table of the lake.
 *
 * @param id stable identifier used by permits ({@code ndb_claims})
 * @param title human title
 * @param source the public database it comes from
 * @param tier data tier 1–3 (3: genome, highly identifying images; strictest controls)
 * @param path location of its Parquet files relative to the lake root
 * @param columns every column, each classified
 * @param facilityColumn the column naming the facility (hospital), used for the facility rule of SDC
 */
public record Dataset(String id, String title, SourceDatabase source, int tier, String path, List<ColumnSpec> columns, Optional<String> facilityColumn) {
    public Dataset {
        requireNonNull(id, "id is null");
        requireNonNull(title, "title is null");
        requireNonNull(source, "source is null");
        requireNonNull(path, "path is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        requireNonNull(facilityColumn, "facilityColumn is null");
        if (!id.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("dataset id must be lower-case letters, digits and _: " + id);
        }
        if (tier < 1 || tier > 3) {
            throw new IllegalArgumentException("tier must be 1, 2 or 3: " + tier);
        }
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("dataset " + id + " has no columns");
        }
        var names = new HashSet<String>();
        for (ColumnSpec column : columns) {
            if (!names.add(column.name())) {
                throw new IllegalArgumentException("dataset " + id + " has column " + column.name() + " twice");
            }
        }
        if (columns.stream().filter(c -> c.classification() == ColumnClass.PERSON_ID).count() > 1) {
            throw new IllegalArgumentException("dataset " + id + " has more than one PERSON_ID column");
        }
        facilityColumn.ifPresent(f -> {
            if (!names.contains(f)) {
                throw new IllegalArgumentException("facility column " + f + " is not a column of " + id);
            }
        });
    }

    public Optional<ColumnSpec> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** The common person ID column, if the dataset has one. */
    public Optional<ColumnSpec> personIdColumn() {
        return columns.stream().filter(c -> c.classification() == ColumnClass.PERSON_ID).findFirst();
    }
}

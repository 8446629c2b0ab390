package org.spe.core.catalog;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One column of a dataset: its name in the lake, type, disclosure classification, a description
 * for researchers and, for ANONYMISED extracts, how it is generalised.
 */
public record ColumnSpec(String name, ColumnType type, ColumnClass classification, String description, Optional<Generalisation> anonymisation) {
    public ColumnSpec {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(classification, "classification is null");
        requireNonNull(description, "description is null");
        requireNonNull(anonymisation, "anonymisation is null");
        if (!name.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("column name must be lower-case letters, digits and _, starting with a letter: " + name);
        }
    }

    public static ColumnSpec of(String name, ColumnType type, ColumnClass classification, String description) {
        return new ColumnSpec(name, type, classification, description, Optional.empty());
    }

    public ColumnSpec anonymisedBy(Generalisation generalisation) {
        return new ColumnSpec(name, type, classification, description, Optional.of(generalisation));
    }
}

package org.spe.output.sdc;

import static java.util.Objects.requireNonNull;

/** A cell of a table: its position and the evidence behind it. */
public record TableCell(CellKey key, CellEvidence evidence) {
    public TableCell {
        requireNonNull(key, "key is null");
        requireNonNull(evidence, "evidence is null");
    }
}

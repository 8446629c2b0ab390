package org.spe.output.sdc;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A table as it would leave the platform after mitigation: everything an attacker sees.
 *
 * @param name the output's name
 * @param aggregation the statistic shown
 * @param cells the released cells, in {@link CellKey} order
 * @param relations the additive structure an attacker knows (empty when released totals are
 *     recomputed from released cells or the statistic is not additive)
 * @param nonNegative whether every cell value is known to be at least 0 (counts; sums without
 *     negative values)
 */
public record ReleasedTable(
        String name, Aggregation aggregation, List<ReleasedCell> cells, List<LinearRelation> relations,
        boolean nonNegative) {
    public ReleasedTable {
        requireNonNull(name, "name is null");
        requireNonNull(aggregation, "aggregation is null");
        cells = List.copyOf(requireNonNull(cells, "cells is null"));
        relations = List.copyOf(requireNonNull(relations, "relations is null"));
    }

    /** Whether any cell is hidden. */
    public boolean mitigated() {
        return cells.stream().anyMatch(ReleasedCell::hidden);
    }
}

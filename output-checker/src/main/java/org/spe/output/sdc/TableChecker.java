package org.spe.output.sdc;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/** Checks a table cell by cell with {@link CellRules}. Stateless and thread-safe. */
public final class TableChecker {
    private TableChecker() {}

    /** The per-cell results and the table's status. */
    public static OutputCheck check(SdcTable table, SdcProfile profile) {
        requireNonNull(table, "table is null");
        requireNonNull(profile, "profile is null");
        List<CellResult> results = new ArrayList<>(table.cells().size());
        for (TableCell cell : table.cells()) {
            CellEvidence evidence = cell.evidence();
            results.add(CellResult.of(cell.key(), evidence.statistic(table.aggregation()), evidence.persons(),
                    CellRules.evaluate(evidence, table.aggregation(), profile)));
        }
        return OutputCheck.of(table.name(), OutputType.TABLE, profile, results, List.of());
    }
}
